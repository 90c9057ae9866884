"""Demo programs for Strong Spine Studio.

Bodies are Markdown; a line containing only ``[[drill:SLUG]]`` embeds a drill card.
``start_in_days`` is turned into a start date when the demo data is seeded; ``None`` means the
program runs on a rolling basis.
"""

PROGRAMS: list[dict] = [
    {
        "slug": "back-basics-group-course",
        "title": "Back Basics: six-week small-group course",
        "summary": (
            "A friendly small-group introduction to training your back in all four directions, "
            "two evenings a week for six weeks, with no more than ten people per group."
        ),
        "body": """\
A calm, structured start for people who want to move their back with more confidence. Groups are
capped at ten so I can watch everyone's technique and adjust drills on the spot.

## Who it is for

- Adults with recurring back pain who want a steady, supervised way back into exercise.
- People who feel unsure about bending, twisting or lifting and want a calm place to practise.
- Complete beginners to strength training; no gym experience needed.

It isn't the right fit during a severe flare-up, soon after spinal surgery, or if you have any of
the warning signs in my article on soreness and red flags, such as numbness or weakness in your
legs or changes in bladder or bowel control. In those cases please see your clinician first; I'm
happy to talk about joining a later group.

## What the weeks contain

Each 60-minute session includes a short check-in, a warm-up, drills from all four directions and
some simple strength work for the hips and legs. You also get a 15-minute home routine for the
days in between.

- **Week 1: Getting to know your back.** Gentle range in every direction, and learning the 0-10
  scale we use to judge how each drill feels.

[[drill:cat-cow]]

- **Week 2: Extension and holding positions.** Building endurance along the back of the body.

[[drill:superman-hold]]

- **Week 3: Bending sideways.** Side reaches and side planks, with a version for every level.

[[drill:side-plank]]

- **Week 4: Turning.** Gentle rotation on the floor, then resisting a band's pull.

[[drill:open-book]]

- **Week 5: Putting it together.** Short circuits through all four directions, with light
  weights for anyone who is ready for them.
- **Week 6: Review and next steps.** We repeat the week 1 checks, compare notes, and you leave
  with a written plan for the following month.

Progress through the course is a guide, not a promise: everyone's back responds at its own pace,
and you can stay on an easier version of any drill for as long as you need.

## What you need

- Comfortable clothes you can move in, and trainers or bare feet.
- A water bottle.
- A short health questionnaire, completed before the first session.
- For home practice: a little floor space. A light resistance band is included with the course.

Mats, bands and weights are provided in the studio.
""",
        "level": "beginner",
        "duration_weeks": 6,
        "sessions_per_week": 2,
        "directions": ["extension", "flexion", "side_flexion", "rotation"],
        "price_text": "£180 for 6 weeks",
        "payment_url": "",
        "start_in_days": 21,
        "capacity": 10,
        "is_open": True,
    },
    {
        "slug": "strong-spine-one-to-one",
        "title": "Strong Spine 1:1: eight-week loading block",
        "summary": (
            "Personal coaching to take you from bodyweight drills to sensibly loaded bending, "
            "arching, side bending and turning. Start any week."
        ),
        "body": """\
An individual block for people who have the basics in place and want to build real strength in
every direction, at a pace set by how their back responds rather than by a calendar.

## Who it is for

- People who can already do the beginner drills comfortably, for example after the Back Basics
  course, and want to add load.
- Anyone returning to lifting, sport or physical work who wants a careful plan for bending and
  twisting under load.
- People whose back pain is stable but keeps coming back when life gets busy.

If your symptoms are new, worsening or include any red flags, such as leg numbness or weakness,
bladder or bowel changes, unexplained weight loss or a recent fall, please see a clinician before
booking. I'm glad to work alongside your physiotherapist if you have one.

## What the weeks contain

Every client's block is different, but the outline below is typical. We meet twice a week, in the
studio or by video, and you get a short written plan for each session.

- **Weeks 1-2: Assessment and baseline.** We test each direction, agree on goals, and start
  unloaded rolling-down practice.

[[drill:jefferson-curl]]

- **Weeks 3-4: Building the back of the body.** Extension work on the bench, adding a plate once
  the bodyweight version is smooth.

[[drill:bench-back-extension]]

- **Weeks 5-6: Loading side flexion.** Overhead side bends progress from empty hands to a
  dumbbell or plate, alongside loaded carries.

[[drill:overhead-side-bend]]

- **Weeks 7-8: Loading rotation and retesting.** Braced turns with a light dumbbell, a repeat of
  the week 1 tests, and a plan for the months ahead.

[[drill:braced-rotation]]

Loads rise in small steps and only when the previous step has felt settled for a week or more. If
a week goes badly, we adjust; the block bends around you, not the other way round.

## What you need

- Access to a gym with a bench, dumbbells and plates, or sessions at the studio.
- A sturdy box or step for the Jefferson curl.
- A resistance band for warm-ups.
- Willingness to keep a simple training log so we can make decisions together.
""",
        "level": "intermediate",
        "duration_weeks": 8,
        "sessions_per_week": 2,
        "directions": ["extension", "flexion", "side_flexion", "rotation"],
        "price_text": "£640 for 8 weeks",
        "payment_url": "",
        "start_in_days": None,
        "capacity": None,
        "is_open": True,
    },
]
