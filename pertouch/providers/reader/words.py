"""The function words of the grammar: what raises, lowers, complains, wishes, praises or hedges.

These are closed classes (a few dozen words each), unlike the open class of cue words in
:mod:`pertouch.providers.reader.lexicon`. Multi-word entries are matched as phrases.
"""

from __future__ import annotations

#: Modifiers that raise the attribute they govern ("more contrast", "bump the exposure").
RAISE = {
    "more", "increase", "boost", "add", "raise", "up", "higher", "extra", "enhance", "bump", "pump",
    "crank", "push", "amp", "restore", "some", "give", "needs", "need", "lacks", "lacking", "enough",
    "heighten", "maximise", "maximize", "intensify", "gain", "bring out", "bring up", "turn up",
    "dial up", "ramp up", "pump up", "could use", "could do with", "wants", "want", "a touch of",
    "a bit of", "a little", "a hint of", "a dash of", "put", "plus", "strengthen", "emphasise",
    "emphasize", "accentuate", "improve", "recover", "has lost", "have lost", "lost its",
    "lost their", "losing its", "losing their", "lost all",
}  # fmt: skip
#: Quantity words that raise a noun ("a touch of warmth") but only grade an adjective
#: ("a little creamy").
QUANTITY = {"some", "a touch of", "a bit of", "a little", "a hint of", "a dash of", "enough"}
#: Particles that, after "take", "get", "knock" ..., take away: "take some magenta out".
AWAY = {"out", "off", "away", "back", "down"}
#: Modifiers that lower it ("less contrast", "get rid of the yellow", "take the saturation down").
LOWER = {
    "less", "reduce", "lower", "decrease", "cut", "drop", "remove", "kill", "down", "tone down",
    "turn down", "dial back", "dial down", "pull back", "pull down", "tame", "lessen", "fewer",
    "minus", "get rid", "get rid of", "take out", "take away", "take off", "take down", "calm",
    "lose", "knock back", "knock down", "back off", "ease off", "ease up", "rein in", "strip",
    "too much", "so much", "bring down", "minimise", "minimize", "subdue", "cut back", "go easy",
    "tone back", "eliminate", "erase", "without", "no more", "dampen", "suppress", "counteract",
    "pare back", "scale back", "ease back", "rein back",
}  # fmt: skip
#: Words that make an adjective a complaint about how the photo is ("is too dark").
COMPLAINT = {
    "too", "so", "overly", "is", "are", "looks", "look", "seems", "seem", "feels", "feel", "was",
    "were", "appears", "got", "came out", "comes out", "come out", "turned out", "kind of", "sort of",
    "very", "quite", "rather", "really", "pretty", "way", "far", "bit", "a bit", "little", "tad",
    "abit", "slightly", "somewhat", "all", "has", "have", "had", "looking", "much too", "way too",
    "far too", "hate", "its", "it is", "awfully", "horribly", "terribly", "super", "extremely",
    "excessively", "a little", "a tad", "fairly", "mostly", "totally", "completely", "everything",
    "whole", "still", "now", "almost", "too much", "seriously", "dislike", "gone", "turned",
    "become", "became", "went", "going", "getting", "made",
}  # fmt: skip
#: Words that make it a wish for how the photo should be ("make it dark", "I'd like it warm").
WISH = {
    "make", "making", "want", "wanted", "would like", "i like", "we like", "prefer", "should",
    "could be", "needs to be", "need it", "go for", "turn", "get", "give", "would love", "wish",
    "hoping", "hope", "let", "try", "would be", "must be", "can it be", "become", "render",
    "keep it", "aim for", "going for", "rather have", "should be", "to look", "to feel",
}  # fmt: skip
#: Degree words that, right before a bare adjective, describe a state, not a wish ("bit cold").
STATE_DEGREE = {"bit", "a bit", "abit", "kind of", "sort of", "little", "a little", "tad", "a tad"}
STATE_DEGREE |= {"slightly", "somewhat", "very", "really", "quite", "rather", "pretty", "way"}
STATE_DEGREE |= {"super", "so", "too", "overly", "fairly", "a touch", "extremely", "all", "mostly"}
#: Clause-level negation ("don't make it darker").
NEGATION = ("do not", "dont", "never", "no need to", "not", "nothing", "shouldn't", "should not")
PRONOUNS = {"it", "them", "they", "its", "their", "those", "these", "him", "her", "he", "she"}
#: Praise: a clause that only praises asks for nothing ("the sky is fine").
POSITIVE = {
    "fine", "great", "good", "nice", "lovely", "perfect", "ok", "okay", "i like", "i love", "beautiful",
    "gorgeous", "happy", "spot on", "amazing", "brilliant", "stunning", "excellent", "pleased",
    "awesome", "alright", "all right", "fantastic", "wonderful", "pretty good", "fab", "we like",
    "we love", "like how", "love how",
}  # fmt: skip
#: Vague complaints: something is wrong, but not what ("the sky looks weird").
VAGUE = {
    "weird", "off", "wrong", "strange", "odd", "funny", "bad", "ugly", "awful", "terrible",
    "unnatural", "wonky", "not right", "horrible", "fake", "gross", "meh", "bizarre", "unrealistic",
    "artificial", "messed up", "a mess", "not great", "not good", "busy", "distracting", "boring",
    "uninspiring", "naff", "rubbish", "grotty", "manky", "dodgy", "iffy", "pants", "ropey",
    "ropy", "not quite there",
}  # fmt: skip
#: Verbs that ask for a change without saying which way ("adjust the brightness").
NEUTRAL_CHANGE = {
    "change", "adjust", "tweak", "alter", "modify", "play with", "do something", "work on",
    "mess with", "needs work", "different", "edit", "something about", "something with", "vary",
    "set", "shift", "touch up", "deal with", "handle", "look at", "fiddle with", "play around",
    "mess around", "experiment with",
}  # fmt: skip
#: Verbs that ask to correct what is wrong, which the auto look does ("fix the white balance").
FIX = {"fix", "correct", "neutralise", "neutralize", "balance", "sort out", "repair", "normalise"}
FIX |= {"normalize", "even out", "clean up", "tidy up", "natural", "neutral", "normal", "realistic"}
FIX |= {"accurate", "true to life", "lifelike", "correct colours", "correct colors"}
#: Adjectives that, before an attribute noun, ask for it correct rather than more ("real colours").
CORRECT = FIX | {"real", "true", "original", "proper"}
#: Movement verbs that, said of a region alone, move its brightness ("bring down the sky").
MOVE = {
    "bring up": 1, "raise": 1, "push": 1, "boost": 1, "pull up": 1, "increase": 1, "lift": 1,
    "bring down": -1, "pull down": -1, "lower": -1, "drop": -1, "tame": -1, "knock back": -1,
    "pull back": -1, "tone down": -1, "reduce": -1, "take down": -1, "bring back": -1,
    "recover": 0, "rescue": 0, "open": 1, "hold back": -1, "control": -1, "decrease": -1,
    "pare back": -1, "scale back": -1, "ease back": -1, "bump down": -1, "bump": 1, "nudge up": 1, "nudge down": -1,
}  # fmt: skip
#: Tone regions for "recover": bright ones come down, dark ones up.
BRIGHT_TONES = {"highlights", "sky"}
DARK_TONES = {"shadows"}
#: Region classes named by position; they are regions only as nouns ("the right", not "right now").
SPATIAL = {"left", "right", "top", "bottom", "centre", "edges"}
#: Words that hold a region where it is ("except the sky", "leave the faces alone").
PROTECT = {"leave", "keep", "untouched", "alone", "unchanged", "except", "excluding"}
PROTECT |= {"as is", "as they are", "as it is", "preserve", "protect", "without touching"}
PROTECT |= {"don't touch", "dont touch", "do not touch"}
#: Modifiers that also set a degree: "crank" is a lot, "a hair" a touch.
DEGREE_WORDS = {"crank": 0.4, "cranked": 0.4, "a hair": 0.1, "a fraction": 0.1, "a notch": 0.15}
DEGREE_WORDS |= {"a wee bit": 0.1, "a little more": 0.15, "kind of": 0.15, "a bit much": 0.15}
#: Informal quantities of a lot ("lift it loads", "heaps brighter").
DEGREE_WORDS |= {"loads": 0.4, "heaps": 0.4, "tons": 0.4, "a ton": 0.4, "loads more": 0.4}
#: Words kept from spelling correction: chat shorthand people use, with what it means.
SHORTHAND = {
    "pls": "please", "plz": "please", "plse": "please", "u": "you", "ur": "your", "abit": "a bit",
    "alil": "a little", "bg": "background", "wb": "white balance", "thx": "thanks", "ty": "thanks",
    "lol": "", "omg": "", "af": "very", "rn": "", "tbh": "", "imo": "", "kinda": "kind of",
    "sorta": "sort of", "wanna": "want to", "gonna": "going to", "pic": "photo", "pics": "photos",
    "mids": "midtones", "highs": "highlights", "lows": "shadows", "expo": "exposure", "ppl": "people",
    "cuz": "because", "bc": "because", "esp": "especially", "n": "and", "&": "and", "w/": "with",
    "w/o": "without", "bw": "black and white", "b&w": "black and white", "lil": "little",
    "tho": "though", "thru": "through", "neutralise": "neutralize", "optimise": "optimize",
    "minimise": "minimize", "maximise": "maximize", "bgs": "backgrounds", "hilights": "highlights",
    "hilites": "highlights", "skintone": "skin tone", "skintones": "skin tones",
    "everyone": "people", "everybody": "people", "imho": "", "haha": "", "xx": "", "x": "",
    "em": "them", "sat": "saturation", "ngl": "", "fr": "", "idk": "", "smh": "", "ish": "",
}  # fmt: skip
#: Filler that carries no request ("please", "can you"), for telling empty clauses apart.
FILLER = {
    "please", "can", "you", "could", "would", "just", "maybe", "i", "me", "my", "the", "a", "an",
    "it", "this", "that", "is", "be", "a bit", "thanks", "thank", "ok", "so", "and", "then", "also",
    "now", "hi", "hello", "hey", "again", "well", "um", "hmm", "oh", "yeah", "yes", "no", "too",
    "bit", "little", "some", "do", "photo", "picture", "image", "shot", "pic", "for", "to", "of",
    "in", "on", "at", "with", "if", "possible", "mind", "think", "guess", "feel", "like", "want",
    "wanted", "would like", "id", "love", "really", "quite", "kind", "sort", "lot", "one", "there",
    "here", "what", "how", "about", "any", "chance", "way", "we", "us", "our", "your", "his", "her",
    "their", "them", "they", "its", "am", "are", "was", "were", "been", "being", "have", "has",
    "get", "make", "let", "see", "try", "first", "next", "finally", "overall", "everything", "all",
}  # fmt: skip
