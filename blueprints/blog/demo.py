"""Demo articles for Strong Spine Studio.

Bodies are Markdown. A line containing only ``[[drill:SLUG]]`` embeds a drill card from the
drill library. ``days_ago`` is turned into a publication date when the demo data is seeded.
"""

ARTICLES: list[dict] = [
    {
        "slug": "lying-still-wont-settle-your-back",
        "title": "Why lying still won't settle your back on its own",
        "summary": (
            "Rest can take the edge off a flare-up, but it rarely finishes the job. Here is why "
            "gradual, sensible movement usually serves a sore back better."
        ),
        "tags": ["back-pain", "recovery", "beginners"],
        "days_ago": 6,
        "cover_alt": (
            "A woman walking along a riverside path in early morning light, coffee cup in hand"
        ),
        "body": """\
## The instinct to stop everything

When your back flares up, stopping everything feels like the responsible choice. You cancel the
gym, skip the walk and spend the evening on the sofa with a hot water bottle. For a day or two
that can genuinely help: fresh pain is loud, and taking the edge off it matters.

The trouble starts when a couple of days of rest quietly turn into a couple of weeks. Most of the
people I work with have been there. They waited for the pain to disappear before moving again,
and found instead that their back became stiffer, more sensitive and harder to trust.

## What the evidence broadly points to

Over the past few decades, clinical guidelines for common low back pain (the kind without a
specific, identifiable cause) have moved away from bed rest. The general advice now is to stay as
active as you reasonably can, keep up everyday activities where possible, and build back into
exercise. Rest isn't forbidden; it just isn't treated as the main ingredient any more.

There are a few reasons this makes sense:

- **Tissues adapt to what you ask of them.** Muscles, tendons, discs and joints respond to
  regular, tolerable load. Take the load away and they slowly lose capacity.
- **Pain is a protective alarm, not a precise damage report.** A sensitised back can hurt during
  movements that aren't harming it. Gentle, repeated exposure often helps that alarm quieten.
- **Avoidance feeds stiffness.** The longer you avoid bending or twisting, the stranger those
  movements feel when you finally try them, and the more guarded you become.

None of this means your pain isn't real, or that you should push through anything. It means a
plan of gradual, sensible movement usually serves you better than waiting it out.

## Relative rest instead of total rest

The middle ground I use with clients is what I call relative rest. For a while you drop whatever
clearly aggravates things, and you keep doing everything else. If running stings but walking
feels fine, walk. If heavy deadlifts are off the table this week, floor-based drills and lighter
hinges may well still be on it.

A simple way to judge a session is the next-morning check. Some discomfort during a drill is
acceptable if it stays mild and settles within a day. If you wake up clearly worse, scale the next
session back rather than abandoning movement altogether.

## Three easy drills to start with

These are the drills I hand out most often in the first week. They need no equipment, they fit
on a living-room floor, and between them they explore three of the four directions your spine
can move in.

[[drill:prone-press-up]]

The prone press-up eases you into bending backwards while the floor supports your hips. Go only
as high as feels comfortable.

[[drill:cat-cow]]

Cat-cow moves you slowly between rounding and arching. It's less about stretching and more about
reminding your back that those shapes are still available.

[[drill:open-book]]

The open book adds a little rotation while you lie on your side, which many people find
surprisingly pleasant after a long day at a desk.

A reasonable starting dose is one or two sets of 5-10 slow repetitions of each, once or twice a
day. If they feel fine, build from there. If one makes things worse, leave it out for now and
keep the others.

## When rest really is the right call

Sometimes the right move is to stop and get help rather than train. If you have numbness or
weakness in your legs, any change in bladder or bowel control, numbness around the groin, pain
after a significant fall, unexplained weight loss, or you feel generally unwell alongside your
back pain, please see a doctor or physiotherapist before trying any of the above. I've written a
separate article on telling ordinary training soreness apart from these warning signs.

## The takeaway

Rest has a place in the first few days of a flare-up, but it rarely finishes the job on its own.
What tends to help more is a steady return to movement: small doses, chosen sensibly, repeated
often and built up over weeks. Backs are built to move, and most of them get stronger when we
give them a reason to.

This is general education, not a diagnosis. If you're unsure whether any of it applies to you,
a conversation with your clinician is always a good first step.
""",
    },
    {
        "slug": "four-directions-of-spinal-training",
        "title": "The four directions your spine moves in, and why to train all of them",
        "summary": (
            "Extension, flexion, side flexion and rotation: a simple map for training your back "
            "so that no everyday movement is left to chance."
        ),
        "tags": ["beginners", "back-pain", "flexion", "rotation"],
        "days_ago": 18,
        "cover_alt": (
            "Four stick figures sketched on a whiteboard, each bending the spine a different way"
        ),
        "body": """\
## A spine is made for moving

Your spine is a stack of small bones with discs, joints, ligaments and dozens of muscles wrapped
around them. Together they let you bend and turn in far more ways than a single hinge ever could.
Yet many training plans for a sore back come down to one idea: keep the spine still and brace
hard. Bracing is a useful skill, but if it's the only thing you practise, the movements you make
every day stay untrained.

At Strong Spine Studio I sort the drill library into four directions. It's a simple map, and it
makes sure nothing gets quietly left out.

## 1. Extension: bending backwards

Extension is arching back, as when you look up at a high shelf or straighten up after sitting for
a long time. The muscles running up either side of your spine produce and control it.

[[drill:superman-hold]]

The superman hold is a good first step. You lift your arms, chest and legs slightly off the floor
and hold, building endurance along the back of your body.

## 2. Flexion: bending forwards

Flexion is rounding forwards: tying shoelaces, picking up a dropped sock, folding yourself into a
low car. Rounding earned a bad reputation for a while, and lots of people were told never to do
it. In reality it's an ordinary human movement. What matters is building tolerance to it
gradually rather than avoiding it forever.

[[drill:wall-roll-down]]

The wall roll-down teaches you to peel your spine forwards one section at a time, with the wall
behind you for feedback.

## 3. Side flexion: bending sideways

Side flexion is bending to the left or right: reaching down for a bag beside you, leaning across
a table to wipe it, carrying shopping in one hand. It's the direction people train least, which
is exactly why I give it its own slot.

[[drill:standing-side-reach]]

The standing side reach is as simple as it sounds. Notice whether one side feels tighter than the
other. That's useful information, not a problem.

## 4. Rotation: turning

Rotation is twisting: looking over your shoulder when reversing, swinging a racket, turning to
pass something to the back seat. It has two sides, producing a twist and resisting one.

[[drill:pallof-press]]

The Pallof press trains the resisting side: a band tries to turn you and you stay put. Later
drills in the library add slow, controlled turning on top of that.

## Why bother with all four?

A few practical reasons:

1. **Life asks for all of them.** Very few everyday tasks happen in a perfectly straight line.
2. **Variety spreads the work.** Training several directions means no single structure does
   everything.
3. **Confidence carries over.** People who have rehearsed bending and twisting in a calm setting
   tend to worry less about doing it at home or at work.
4. **It shows you your gaps.** Almost everyone has a direction that feels stiff or unfamiliar,
   and that one is often the most useful to work on.

## How to use the four directions

You don't need to train every direction hard in every session. A simple week might look like
this:

- Pick one drill from each direction.
- Do two sets of 6-10 slow reps, or 10-30 second holds for the static drills.
- Repeat two or three times a week.
- Every week or two, if things feel settled, move one drill a step up its progression.

Each drill in the library is numbered from 1 to 4 within its direction, with 1 the easiest.
Start at 1 even if it looks too easy. It's a chance to learn the shape properly, and it costs you
very little time.

## A note on pain

Mild discomfort while you learn these movements is common and usually settles quickly. Sharp
pain, pain that travels down a leg, or pain that leaves you worse the next day is a signal to step
back a level. And if you have any of the warning signs I describe in my article on soreness and
red flags, please see a clinician before you start.

The aim isn't a perfect spine. It's a capable one that you trust to bend, arch, lean and turn.
""",
    },
    {
        "slug": "jefferson-curl-loading-flexion-gradually",
        "title": "The Jefferson curl: loading a rounded back, one small step at a time",
        "summary": (
            "Why I teach a slow, rounded-back forward bend to people with sore backs, how to earn "
            "it, and how to add weight without rushing."
        ),
        "tags": ["flexion", "loading", "back-pain"],
        "days_ago": 34,
        "cover_alt": (
            "A person standing on a low wooden box, rolled forwards with arms hanging past the toes"
        ),
        "body": """\
## The drill that makes people nervous

Show someone with a history of back pain a video of the Jefferson curl and you'll often see them
wince. It's a deliberate forward bend with a rounded back, sometimes done holding a weight while
standing on a box. For years, plenty of us were told this is exactly what you must never do.

So why is it in my programs? Because rounding forwards is something your back does anyway, many
times a day. The Jefferson curl lets you practise that movement slowly, in a controlled and
measurable way, and then build strength at the end of the range, where many people feel most
vulnerable.

## What it is, and what it isn't

The Jefferson curl is a slow roll down through the spine, starting at the neck and moving one
section at a time, followed by an equally slow roll back up. It isn't a deadlift, and it isn't
meant to be heavy. The weights involved are small compared with what most people lift with a flat
back, and the tempo is slow enough that nothing happens by surprise.

Research on the Jefferson curl itself is limited. Most of the reasoning comes from the broader
finding that tissues adapt to load that increases gradually, plus a lot of coaching experience.
I treat it as a useful tool for some people: not a cure, and not compulsory.

## Before you curl: earn the pattern

I never start anyone on the loaded version. First we check that rounding forwards without weight
feels acceptable, and that you can control it.

[[drill:wall-roll-down]]

The wall roll-down is where I begin. The wall tells you straight away whether you're rolling
through your spine or just hinging at the hips.

Once that has felt smooth for a couple of weeks, we move on to the curl itself, still without
any weight.

[[drill:jefferson-curl]]

## How to load it gradually

This is the part that matters most. Tolerance to loaded flexion builds slowly, so the jumps should
be small and the waits between them long. Here's the progression I usually follow:

1. **Bodyweight on the floor.** Arms hanging, five slow reps, two or three sets. Stay here until
   it feels boring.
2. **Bodyweight on a box.** Standing on a box or sturdy bench lets your hands travel below your
   feet if your range allows. Don't chase depth.
3. **A 3-5 kg dumbbell or kettlebell.** Hold it with straight arms and let it hang. It should
   feel almost too light.
4. **Small increases.** Add 1-2.5 kg, and only when the current load has felt easy for at least
   two weeks with no soreness lingering into the next day.

A few rules I hold everyone to:

- Take four to five seconds each way. If you speed up, the weight is too heavy.
- Breathe out on the way down and in on the way up.
- Stop wherever your control runs out, even if that's well above your knees.
- Train it once you're warm, not straight out of bed.

## Balancing it with extension

I pair the Jefferson curl with an extension drill in the same session. Not because one undoes
the other, but because a capable back is strong in both directions.

[[drill:reverse-hyperextension]]

The reverse hyperextension works the back of the body from the hips upwards and fits neatly after
a few sets of curls.

## Who should wait

The Jefferson curl isn't for everyone, or not yet. I'd hold off if:

- you're in a flare-up where bending forwards is sharply painful;
- bending forwards sends pain, pins and needles or numbness down a leg;
- you have a condition such as osteoporosis and your clinician has advised against loaded
  flexion;
- you're recovering from recent spinal surgery and haven't been cleared for this kind of load.

In any of those situations, talk to your doctor or physiotherapist first. There are always other
ways to build strength in the meantime.

## The bigger picture

The Jefferson curl is one rung on a ladder, not the destination. The goal is a back that isn't
frightened of rounding, because you've practised it slowly, many times, and your body has had the
chance to adapt. Patience isn't a side note here; it's the whole method.
""",
    },
    {
        "slug": "side-bends-and-twists-for-everyday-life",
        "title": "Side bends and twists: training for the way you actually move",
        "summary": (
            "Everyday life is full of leaning and turning. How to build side flexion and rotation "
            "strength step by step, from bodyweight to light loads."
        ),
        "tags": ["side-flexion", "rotation", "loading"],
        "days_ago": 57,
        "cover_alt": (
            "A man lifting a bag of shopping out of a car boot, turning slightly to one side"
        ),
        "body": """\
## Life rarely happens in a straight line

Think about the last hour you spent on chores. You probably leaned sideways to reach the back of a
cupboard, turned to hand something to someone, carried a bag in one hand and twisted to look
behind you before reversing the car. Hardly any of it was a straight forward bend or a straight
backward arch.

Yet most gym programs train the spine front to back. Squats, deadlifts, planks and back
extensions all have their place, but side bending and rotation are often left to chance. For
people with a nervous back those tend to be the movements that feel riskiest, largely because
they've never been practised on purpose.

## Side flexion: more than a stretch

Side flexion means bending sideways. Most people only meet it as a stretch at the end of a class.
Strengthening it, both bending sideways and resisting being pulled sideways, gives you much more
to work with when you're carrying shopping or a toddler on one hip.

[[drill:overhead-side-bend]]

The overhead side bend is my go-to. Start with your hands clasped overhead and no weight. When you
can bend and come back smoothly on both sides, hold a light dumbbell in both hands, and later a
plate. The key is staying in one plane: the moment your chest turns towards the floor, you've gone
further than you can control.

For people who are further along, there's a loaded version on a back extension bench.

[[drill:bench-side-bend]]

It's a genuinely demanding drill, so I only bring it in once the overhead side bend and side
planks both feel comfortable.

A bonus for everyday life is the suitcase carry. Hold a moderately heavy bag or kettlebell in one
hand and walk tall for 20-30 metres without leaning. It trains the resisting side of side flexion
and it's about as close to real life as training gets.

## Rotation: producing a turn and resisting one

Rotation has two halves. Resisting rotation, staying still while something tries to twist you,
builds control. Producing rotation, turning on purpose, builds range and strength. You want both.

[[drill:braced-rotation]]

Braced rotation sits in the middle. You keep your trunk firm and turn slowly, as if pushing a
heavy door round. Start with your hands together and no weight. Once that's comfortable, hold a
light 3-5 kg dumbbell at your chest, and later with your arms extended. Keep the speed down;
momentum hides weak spots.

[[drill:seated-russian-twist]]

The seated Russian twist is the advanced end of the rotation ladder. I keep people's feet on the
floor for a good while before lifting them, and add a plate only once the unloaded version is
steady.

## Putting it together

These slot into almost any routine. A short side-and-twist block might look like this:

- Overhead side bend: two sets of 6 per side
- Braced rotation: two sets of 6 per side
- Suitcase carry: two walks per hand

That's roughly ten minutes, two or three times a week. Change one thing at a time, whether that's
weight, range or reps, and give each change at least a week before the next.

## Common worries

**"Isn't twisting bad for your discs?"** Twisting under heavy, fast, unexpected load can be rough
on anyone. Twisting slowly, with a load you chose and a range you control, is a different thing,
and it's exactly what prepares you for the unexpected moments.

**"One side feels much stiffer than the other."** That's very common. Train both sides, start
each set on the stiffer side, and don't force them to match. Differences often shrink with
regular practice, and where they don't, they're rarely a problem on their own.

## A sensible caveat

If side bending or twisting brings on sharp pain, or pain, tingling or numbness down a leg, stop
and speak to a clinician before carrying on. For most people, though, these drills turn awkward
movements into familiar ones, and familiar is a good place for a back to be.
""",
    },
    {
        "slug": "training-soreness-or-red-flag",
        "title": "Sore from training, or something to get checked?",
        "summary": (
            "How ordinary post-training soreness usually behaves, when to scale back, and the "
            "warning signs that mean you should see a clinician before you train."
        ),
        "tags": ["back-pain", "recovery", "beginners"],
        "days_ago": 92,
        "cover_alt": (
            "A notebook open on a kitchen table showing a handwritten training log beside a pen"
        ),
        "body": """\
## Some soreness comes with the territory

When you start training a back that has been treated cautiously for a while, you will feel
things. Muscles you haven't used much will ache a day or two later. A drill in an unfamiliar
direction might feel odd or tight. That's normal, and usually it just means your body is
responding to something new.

Not every sensation is a training effect, though. Part of training sensibly is knowing which
signals you can shrug off and which ones mean stop and get a professional opinion. This article
is my attempt to draw that line clearly. It's general guidance rather than a diagnosis, and if
you're in any doubt, ask a clinician.

## What ordinary training soreness tends to look like

Typical muscle soreness after exercise tends to:

- come on several hours to a day or two after a session, rather than during it;
- feel like a dull, broad ache in the muscles you worked;
- ease as you move gently and warm up;
- fade steadily over two to four days;
- be the same or milder the next time you repeat the session.

You might also notice a mild rise in your familiar back discomfort after trying something new. If
it's modest and settles within about 24 hours, that's generally acceptable. With clients I use a
0-10 scale: a rise of a couple of points that is back to normal by the next day is usually fine.

## Signs to scale back, but not to panic

Some signals mean the dose was too much, not that something is wrong:

- pain that's clearly worse the next morning and still raised the day after;
- sharp, catching pain during one particular drill;
- stiffness that builds over several sessions instead of easing.

The fix is usually simple: drop back a level or two in the progression, cut a set, or swap a
drill for a gentler one for a week. If full side planks leave you grumbling, for example, go back
to the version from your knees.

[[drill:side-plank]]

Or if the hollow position makes things complain, shorten the hold and keep your knees bent.

[[drill:hollow-body-hold]]

If scaling back hasn't helped within a week or two, it's worth booking an appointment with a
physiotherapist or your doctor.

## Red flags: see a clinician first

Some symptoms are not something to train through or coach around. If you notice any of the
following, stop training and contact a doctor promptly:

- numbness, pins and needles or weakness in one or both legs, especially if it's getting worse;
- loss of bladder or bowel control, difficulty passing urine, or numbness around the groin,
  inner thighs or back passage (this needs urgent medical attention the same day);
- weight loss you can't explain, alongside back pain;
- back pain following a recent fall, accident or other significant knock;
- a fever, night sweats or feeling generally unwell along with back pain;
- constant, severe pain, including at night, that doesn't change with position or movement;
- new back pain if you have a history of cancer.

None of these automatically means something serious is going on, but they all deserve a proper
medical look before you exercise. A good coach will always be glad you checked first.

## Keep a simple log

One of the most useful habits you can build is a short training log. After each session, note:

1. what you did and how heavy it was;
2. your back discomfort during and after, on the 0-10 scale;
3. how things felt the next morning.

After a few weeks you'll start to see patterns: which drills your back likes, which doses are too
much, and how quickly you bounce back. A log also makes conversations with your clinician or
coach far more useful, because you're describing what actually happened rather than a vague
impression.

## The bottom line

Feeling something when you train is expected. Feeling steadily worse, or noticing any of the red
flags above, is not. Train with curiosity, scale back without guilt, and never hesitate to get
checked. Training and caution aren't opposites; a sore back needs both.
""",
    },
]

DRAFT_ARTICLE: dict = {
    "slug": "sleep-positions-for-a-sore-back",
    "title": "Does the way you sleep matter for a sore back?",
    "summary": (
        "A first look at sleep positions, pillows and mattresses for people with back pain, and "
        "why comfort matters more than any single 'correct' posture."
    ),
    "tags": ["back-pain", "recovery"],
    "days_ago": 0,
    "cover_alt": "An unmade bed with two pillows and a folded blanket in soft morning light",
    "body": """\
## The question I get every week

"What's the best position to sleep in?" comes up with almost every new client. The honest answer
is that there isn't one position that suits every back, and the evidence for any single posture
is thin.

## What seems to help

- Side sleepers often find a pillow between the knees more comfortable.
- Back sleepers may like a pillow under the knees.
- Front sleeping suits some people fine; others find it aggravates their neck.

## Mattresses

TODO: summarise what we know about firm versus medium mattresses, keep it short and practical.

## Getting out of bed

TODO: describe the log roll and link to a gentle morning drill, maybe cat-cow.

## When night pain is a warning sign

TODO: pain that doesn't ease with any change of position belongs in the red-flag article; link it.
""",
}
