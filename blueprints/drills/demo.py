"""Demo drill library for Strong Spine Studio.

Sixteen drills, four per direction, ordered from easiest (position 1) to hardest (position 4).
Pure data: the seeding code decides how to store it.
"""

DRILLS: list[dict] = [
    # ------------------------------------------------------------------ extension
    {
        "slug": "prone-press-up",
        "name": "Prone press-up",
        "direction": "extension",
        "level": "beginner",
        "position": 1,
        "equipment": ["none"],
        "summary": (
            "A gentle way back into bending backwards: you lie face down and let your arms lift "
            "your chest while your hips stay heavy on the floor."
        ),
        "steps": [
            "Lie face down with your hands under your shoulders and your forehead on the floor.",
            "Breathe out and let your hips and legs go heavy.",
            "Press through your hands to lift your chest, keeping your hips down.",
            "Rise only as far as feels comfortable and pause for one breath.",
            "Lower slowly and rest your forehead on the floor again.",
        ],
        "cues": [
            "Your arms do the work; your back just lets it happen.",
            "Keep your shoulders away from your ears.",
        ],
        "mistakes": [
            "Squeezing your glutes hard, which stops the lower back from arching.",
            "Carrying on when symptoms spread into a buttock or leg: stop and get it checked.",
        ],
        "progression": [
            "Resting on your forearms (sphinx position)",
            "Half press-up, elbows still bent",
            "Full press-up with a pause at the top",
            "Three seconds up, three seconds down",
        ],
        "video_url": "",
        "duration_seconds": 35,
    },
    {
        "slug": "superman-hold",
        "name": "Superman hold",
        "direction": "extension",
        "level": "beginner",
        "position": 2,
        "equipment": ["none"],
        "summary": (
            "Lifting your arms, chest and legs a little way off the floor builds endurance in the "
            "muscles that hold your spine in gentle extension."
        ),
        "steps": [
            "Lie face down with your arms reaching overhead and your legs straight.",
            "Look at the floor just beyond your hands so your neck stays long.",
            "Breathe out and lift your arms, chest and legs a few centimetres.",
            "Hold for 5-10 seconds, breathing steadily.",
            "Lower with control and rest for a breath before the next rep.",
        ],
        "cues": [
            "Reach long through your fingertips and toes rather than curling up high.",
            "If you are holding your breath, the hold is too long.",
        ],
        "mistakes": [
            "Tipping the head back to look forwards.",
            "Lifting as high as possible and pinching the lower back.",
        ],
        "progression": [
            "One arm and the opposite leg at a time",
            "Arms by your sides, full lift",
            "Arms overhead, 10-second holds",
            "Arms overhead, 20-second holds",
        ],
        "video_url": "",
        "duration_seconds": 40,
    },
    {
        "slug": "bench-back-extension",
        "name": "45-degree back extension",
        "direction": "extension",
        "level": "intermediate",
        "position": 3,
        "equipment": ["bench", "plate"],
        "summary": (
            "On a 45-degree back extension bench you let your back round forwards, then roll up "
            "to a straight line, training extension through its whole range."
        ),
        "steps": [
            "Set the pad just below your hip bones so you can fold freely.",
            "Hook your heels under the rollers and cross your arms over your chest.",
            "Lower your upper body, letting your back round gently.",
            "Roll back up from the lower back upwards, one section at a time.",
            "Stop when your body forms a straight line; don't arch past it.",
        ],
        "cues": [
            "Move slowly enough that you could stop at any point.",
            "Think 'long spine' at the top, not 'big arch'.",
        ],
        "mistakes": [
            "Swinging up with momentum.",
            "Leaning back hard at the top.",
            "Setting the pad so high that it blocks the movement.",
        ],
        "progression": [
            "Bodyweight, arms crossed",
            "Bodyweight, hands lightly behind your head",
            "Hugging a 5 kg plate",
            "Hugging a 10-20 kg plate with a slow lower",
        ],
        "video_url": "",
        "duration_seconds": 50,
    },
    {
        "slug": "reverse-hyperextension",
        "name": "Reverse hyperextension",
        "direction": "extension",
        "level": "advanced",
        "position": 4,
        "equipment": ["bench", "dumbbell"],
        "summary": (
            "Lying face down with your legs hanging off a bench, you lift your legs to extend your "
            "hips and lower back, loading extension from the bottom up."
        ),
        "steps": [
            "Lie face down on a sturdy bench with your hips at the end and your legs hanging down.",
            "Hold the sides of the bench firmly.",
            "Squeeze your glutes and lift both legs until they line up with your body.",
            "Pause for a breath at the top without arching further.",
            "Lower slowly until your feet almost touch the floor.",
        ],
        "cues": [
            "Lead with your heels and keep your legs together.",
            "Let the lower back round a little at the bottom and straighten at the top.",
        ],
        "mistakes": [
            "Kicking the legs up with a swing.",
            "Using a bench so low that your feet hit the floor before the stretch.",
        ],
        "progression": [
            "Knees bent, small range",
            "Straight legs, bodyweight",
            "Light dumbbell held between the feet",
            "Heavier dumbbell with a three-second lower",
        ],
        "video_url": "",
        "duration_seconds": 55,
    },
    # -------------------------------------------------------------------- flexion
    {
        "slug": "cat-cow",
        "name": "Cat-cow",
        "direction": "flexion",
        "level": "beginner",
        "position": 1,
        "equipment": ["none"],
        "summary": (
            "On hands and knees you slowly round, then arch, your back: a low-stakes way to "
            "explore flexion and remind your spine that it can move."
        ),
        "steps": [
            "Start on hands and knees, hands under shoulders and knees under hips.",
            "Breathe out and round your back, tucking your tailbone and letting your head drop.",
            "Push the floor away so your upper back rounds too.",
            "Breathe in and reverse: tailbone up, chest sinking towards the floor.",
            "Move between the two shapes slowly for 8-10 rounds.",
        ],
        "cues": [
            "Start each shape at your pelvis and let it travel up to your head.",
            "Go as slowly as you can without stopping.",
        ],
        "mistakes": [
            "Rushing it like a warm-up to get out of the way.",
            "Moving only the neck and shoulders while the lower back stays still.",
        ],
        "progression": [
            "Small range, 5 rounds",
            "Full range, 10 rounds",
            "Three-second pause at each end",
            "Moving one section of the spine at a time",
        ],
        "video_url": "",
        "duration_seconds": 30,
    },
    {
        "slug": "wall-roll-down",
        "name": "Wall roll-down",
        "direction": "flexion",
        "level": "beginner",
        "position": 2,
        "equipment": ["none"],
        "summary": (
            "With your back against a wall you peel your spine away one section at a time, "
            "learning the rolling pattern that the Jefferson curl later loads."
        ),
        "steps": [
            "Stand with your heels a foot's length from a wall, back and head touching it.",
            "Soften your knees and nod your chin towards your chest.",
            "Peel your spine off the wall slowly, upper back first, arms hanging.",
            "Stop when your lower back wants to leave the wall or the stretch feels strong.",
            "Roll back up, pressing each part of your back into the wall in turn, head last.",
        ],
        "cues": [
            "Imagine peeling a long sticker off the wall, one strip at a time.",
            "Let your arms dangle like ropes.",
        ],
        "mistakes": [
            "Hinging at the hips with a flat back, which skips the spine entirely.",
            "Holding your breath on the way down.",
        ],
        "progression": [
            "Halfway down against the wall",
            "All the way down against the wall",
            "Free-standing, away from the wall",
            "Free-standing with a five-second descent",
        ],
        "video_url": "",
        "duration_seconds": 40,
    },
    {
        "slug": "hollow-body-hold",
        "name": "Hollow body hold",
        "direction": "flexion",
        "level": "intermediate",
        "position": 3,
        "equipment": ["none"],
        "summary": (
            "Lying on your back with your lower back heavy and shoulders lifted, you hold a "
            "shallow curl that strengthens the front of your trunk."
        ),
        "steps": [
            "Lie on your back with knees bent and feet flat.",
            "Draw your ribs down so your lower back rests firmly on the floor.",
            "Lift your head and shoulder blades and reach your hands towards your knees.",
            "Lift your feet so your knees sit above your hips.",
            "Hold for 10-20 seconds, breathing steadily, then lower with control.",
        ],
        "cues": [
            "Ribs down, lower back heavy.",
            "Breathe out through pursed lips to stay braced without straining.",
        ],
        "mistakes": [
            "Letting the lower back lift off the floor as the legs straighten.",
            "Poking the chin forwards and straining the neck.",
        ],
        "progression": [
            "Knees bent over hips, arms by your sides",
            "Legs straighter, arms reaching forwards",
            "Arms overhead, legs long and low",
            "Slow, small rocks in the hollow shape",
        ],
        "video_url": "",
        "duration_seconds": 35,
    },
    {
        "slug": "jefferson-curl",
        "name": "Jefferson curl",
        "direction": "flexion",
        "level": "advanced",
        "position": 4,
        "equipment": ["none", "box", "dumbbell", "kettlebell"],
        "summary": (
            "Standing on a box, you roll your spine down one vertebra at a time and back up again, "
            "starting with no weight and adding load in very small steps."
        ),
        "steps": [
            "Stand on a sturdy box or bench, feet hip-width apart, knees straight but not locked.",
            "Tuck your chin and start rolling down from the top of your neck.",
            "Let each section of your spine follow in turn, arms hanging straight down.",
            "Go only as low as you can control, even if that is well short of your toes.",
            "Roll back up slowly, stacking your spine from the bottom, head last.",
        ],
        "cues": [
            "Take four to five seconds each way; slow is the point.",
            "Breathe out on the way down.",
            "The weight just hangs; your hands don't pull or push it.",
        ],
        "mistakes": [
            "Adding weight before the bodyweight version feels smooth and settled.",
            "Hinging at the hips with a flat back instead of rolling through the spine.",
            "Bouncing at the bottom to get deeper.",
        ],
        "progression": [
            "Bodyweight, standing on the floor, arms hanging",
            "Bodyweight, standing on a box",
            "3-5 kg dumbbell or kettlebell",
            "Add 1-2.5 kg at most every two weeks",
        ],
        "video_url": "",
        "duration_seconds": 60,
    },
    # --------------------------------------------------------------- side flexion
    {
        "slug": "standing-side-reach",
        "name": "Standing side reach",
        "direction": "side_flexion",
        "level": "beginner",
        "position": 1,
        "equipment": ["none"],
        "summary": (
            "Reaching one arm up and over while you stand tall is the gentlest way to bend "
            "sideways and notice how each side feels."
        ),
        "steps": [
            "Stand with feet hip-width apart and arms by your sides.",
            "Raise your right arm overhead.",
            "Reach up, then over to the left, sliding your left hand down your thigh.",
            "Pause for a breath at the end of the reach.",
            "Return to tall standing and switch sides.",
        ],
        "cues": [
            "Reach up before you reach over.",
            "Keep both feet heavy on the floor.",
        ],
        "mistakes": [
            "Turning the chest towards the floor instead of bending straight sideways.",
            "Pushing the hips far out to the side to fake extra range.",
        ],
        "progression": [
            "Hand on hip, small range",
            "Arm overhead, full reach",
            "Three-breath hold on each side",
            "Feet together for a longer line",
        ],
        "video_url": "",
        "duration_seconds": 30,
    },
    {
        "slug": "side-plank",
        "name": "Side plank",
        "direction": "side_flexion",
        "level": "beginner",
        "position": 2,
        "equipment": ["none"],
        "summary": (
            "Holding a straight line on one forearm trains the muscles that stop you tipping "
            "sideways, the other half of side-bending strength."
        ),
        "steps": [
            "Lie on your side with your elbow under your shoulder and your knees bent.",
            "Stack your hips and shoulders on top of each other.",
            "Lift your hips so your body forms a straight line from knees to head.",
            "Hold for 10-30 seconds, breathing steadily.",
            "Lower with control and switch sides.",
        ],
        "cues": [
            "Push the floor away with your forearm.",
            "Imagine a pane of glass just in front of you and just behind you.",
        ],
        "mistakes": [
            "Letting the hips sag towards the floor.",
            "Rolling the top shoulder forwards.",
        ],
        "progression": [
            "From the knees, 10-second holds",
            "From the feet, 10-20 seconds",
            "From the feet, 30 seconds",
            "Slow hip dips: lower and lift for 8 reps",
        ],
        "video_url": "",
        "duration_seconds": 40,
    },
    {
        "slug": "overhead-side-bend",
        "name": "Overhead side bend",
        "direction": "side_flexion",
        "level": "intermediate",
        "position": 3,
        "equipment": ["none", "dumbbell", "plate"],
        "summary": (
            "With your arms overhead you bend slowly to each side and return to tall, first with "
            "no weight and later holding a dumbbell or a plate."
        ),
        "steps": [
            "Stand tall with feet hip-width apart.",
            "Raise both arms overhead, hands clasped or holding the weight with straight arms.",
            "Bend slowly to one side, keeping your arms beside your ears.",
            "Go only as far as you can come back from without twisting or leaning forwards.",
            "Return to tall standing and repeat on the other side.",
        ],
        "cues": [
            "Bend like a tree in the wind: sideways, not forwards.",
            "Your ribs move; your hips stay quiet.",
            "Breathe out as you come back to the middle.",
        ],
        "mistakes": [
            "Letting the arms drift forwards, which turns it into a forward bend.",
            "Jumping to a heavy weight before the unloaded range is smooth.",
        ],
        "progression": [
            "Bodyweight, hands clasped overhead",
            "Holding a broom handle overhead",
            "2-4 kg dumbbell held in both hands",
            "5-10 kg plate held overhead",
        ],
        "video_url": "",
        "duration_seconds": 45,
    },
    {
        "slug": "bench-side-bend",
        "name": "45-degree side bend",
        "direction": "side_flexion",
        "level": "advanced",
        "position": 4,
        "equipment": ["bench", "plate"],
        "summary": (
            "Lying sideways on a 45-degree back extension bench, you lower and lift your upper "
            "body, loading side flexion through a full range."
        ),
        "steps": [
            "Set up sideways on the bench, hip on the pad, feet secured one in front of the other.",
            "Cross your arms over your chest.",
            "Lower your upper body towards the floor by bending sideways at the waist.",
            "Pause briefly at the bottom without bouncing.",
            "Lift back to a straight line; finish the set, then switch sides.",
        ],
        "cues": [
            "Stay in one plane, as if moving between two walls.",
            "Lift with your waist, not by throwing your shoulder.",
        ],
        "mistakes": [
            "Turning towards the floor on the way down.",
            "Lifting past a straight line at the top.",
        ],
        "progression": [
            "Bodyweight, small range",
            "Bodyweight, full range",
            "Hugging a 5 kg plate",
            "10 kg plate with a three-second lower",
        ],
        "video_url": "",
        "duration_seconds": 50,
    },
    # ------------------------------------------------------------------- rotation
    {
        "slug": "open-book",
        "name": "Open book",
        "direction": "rotation",
        "level": "beginner",
        "position": 1,
        "equipment": ["none"],
        "summary": (
            "Lying on your side with your knees stacked, you sweep your top arm open to turn your "
            "upper back gently while the floor supports you."
        ),
        "steps": [
            "Lie on your side, hips and knees bent to about 90 degrees, arms out in front.",
            "Rest your head on a folded towel if your neck prefers it.",
            "Keep your knees together and sweep your top arm up and over to the other side.",
            "Let your chest and head follow your hand.",
            "Pause and breathe, then sweep back; switch sides after your reps.",
        ],
        "cues": [
            "Keep your knees glued together.",
            "Follow your hand with your eyes.",
        ],
        "mistakes": [
            "Letting the top knee slide back, so the pelvis turns instead of the spine.",
            "Forcing the arm down to the floor.",
        ],
        "progression": [
            "Small range, 5 reps a side",
            "Full range, 8 reps a side",
            "Three-breath pause in the open position",
            "Top hand behind your head, elbow leading",
        ],
        "video_url": "",
        "duration_seconds": 35,
    },
    {
        "slug": "pallof-press",
        "name": "Pallof press",
        "direction": "rotation",
        "level": "beginner",
        "position": 2,
        "equipment": ["band"],
        "summary": (
            "You press a band straight out from your chest while it tries to turn you, learning to "
            "resist a twist before you load one."
        ),
        "steps": [
            "Anchor a band at chest height and stand side-on to it, about an arm's length away.",
            "Hold the band in both hands at your chest, feet hip-width apart.",
            "Brace gently and press your hands straight out in front of you.",
            "Hold for two seconds without letting the band turn you.",
            "Bring your hands back to your chest; finish the set, then face the other way.",
        ],
        "cues": [
            "Keep your hands in line with your breastbone.",
            "Stand tall and let the band try, and fail, to turn you.",
        ],
        "mistakes": [
            "Standing so close that there is no real pull.",
            "Leaning away from the anchor to dodge the resistance.",
        ],
        "progression": [
            "Light band, split stance",
            "Light band, feet hip-width",
            "Stronger band, five-second holds",
            "Half-kneeling, stronger band",
        ],
        "video_url": "",
        "duration_seconds": 40,
    },
    {
        "slug": "braced-rotation",
        "name": "Braced rotation",
        "direction": "rotation",
        "level": "intermediate",
        "position": 3,
        "equipment": ["none", "dumbbell"],
        "summary": (
            "Standing with your trunk braced, you turn your upper body slowly to each side, first "
            "with empty hands and later holding a light 3-5 kg dumbbell."
        ),
        "steps": [
            "Stand with feet a little wider than your hips and knees soft.",
            "Hold your hands together, or the dumbbell, in front of your chest.",
            "Brace as if someone were about to nudge you, and keep breathing.",
            "Turn your chest slowly to one side, letting your hips follow a little.",
            "Come back to the middle under control and turn the other way.",
        ],
        "cues": [
            "Turn like a heavy door on its hinge, not a swing.",
            "Chest turns, eyes follow, hips go along for the ride.",
            "Slow enough that you could stop at any moment.",
        ],
        "mistakes": [
            "Whipping round using momentum.",
            "Holding the weight at arm's length too early.",
        ],
        "progression": [
            "Hands together, no weight",
            "Arms straight out in front, no weight",
            "3-5 kg dumbbell held at the chest",
            "3-5 kg dumbbell held with arms extended",
        ],
        "video_url": "",
        "duration_seconds": 45,
    },
    {
        "slug": "seated-russian-twist",
        "name": "Seated Russian twist",
        "direction": "rotation",
        "level": "advanced",
        "position": 4,
        "equipment": ["none", "plate"],
        "summary": (
            "Sitting with your trunk leaning back, you turn from side to side, progressing from "
            "feet down to feet up and then to holding a plate."
        ),
        "steps": [
            "Sit with knees bent and feet flat, then lean back until your trunk is working.",
            "Lengthen your spine and hold your hands together in front of your chest.",
            "Turn your chest to one side, bringing your hands beside your hip.",
            "Come back through the middle and turn to the other side.",
            "Keep an even pace and stop when your chest starts to sink.",
        ],
        "cues": [
            "Turn your shoulders, not just your arms.",
            "Keep the speed and range the same on both sides.",
        ],
        "mistakes": [
            "Swinging the arms while the trunk stays still.",
            "Slumping as you tire instead of ending the set.",
        ],
        "progression": [
            "Feet down, hands together",
            "Feet down, holding a 2.5-5 kg plate",
            "Feet lifted, hands together",
            "Feet lifted, holding a 5-10 kg plate",
        ],
        "video_url": "",
        "duration_seconds": 45,
    },
]
