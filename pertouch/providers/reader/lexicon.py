"""The words that name or describe the four attributes, by class: a word's form and its pole.

A cue word has a *pole*: "dark" sits at the low end of brightness, "garish" at the high end of
colourfulness. Whether a request moves towards the pole or away from it is the grammar's business
(:mod:`pertouch.providers.reader.cues`): "make it dark" moves towards it, "too dark" away. Words
marked *negative* are evaluative ("gloomy", "washed out", "overexposed", "faded"): said bare or in
a complaint they name a problem, so the edit moves away from their pole; only an explicit wish
("make it look faded") moves towards it. A word may move more than one attribute, with a weight:
"pop" is colour with a little contrast.

Forms: ``adj`` (an adjective: direction from wish or complaint), ``cmp`` (a comparative: always
towards, "warmer"), ``verb`` (towards unless negated, "brighten"), ``noun`` (names the attribute;
direction from a modifier, "more contrast", or from a complaint about it when the noun itself is
negative, "a lot of haze"), ``level`` ("strong", "high": which attribute comes from the noun or
colour range they describe, "the reds are too strong").

Colour names are not here: white-balance colours and colour ranges are read by rule in
:mod:`pertouch.providers.reader.colours`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BRI, CON, COL, TEMP = "brightness", "contrast", "colorfulness", "temperature"
Form = Literal["adj", "cmp", "verb", "noun", "level"]
Effect = tuple[str, int, float]  # (attribute, pole, weight)


@dataclass(frozen=True)
class Cue:
    """A word's grammar: form, the attributes it moves with their poles and weights, valence."""

    form: Form
    effects: tuple[Effect, ...]
    negative: bool = False
    region: str = ""  # a word that also names where: "vignette" is the edges, darker


CUES: dict[str, Cue] = {}


def _add(
    form: Form, effects: tuple[Effect, ...], words: str, negative: bool = False, region: str = ""
) -> None:
    for word in words.split(","):
        CUES[word.strip()] = Cue(form, effects, negative, region)


def _one(attribute: str, pole: int) -> tuple[Effect, ...]:
    return ((attribute, pole, 1.0),)


# brightness
_add("adj", _one(BRI, 1), "bright,luminous,sunny,radiant,well lit,glowing,airy")
_add("adj", _one(BRI, -1), "dark,dim,shadowy,moody")
_add("adj", _one(BRI, -1), "gloomy,murky,dingy,dreary,depressing,underlit,under lit", True)
# moods: a cheerful photo is a lighter one (the embedder puts antonyms close, so they are listed)
_add("adj", _one(BRI, 1), "cheerful,happy,joyful,upbeat,uplifting,optimistic,fresh,summery")
_add("cmp", _one(BRI, 1), "happier,more cheerful,more joyful,more upbeat,fresher")
_add("adj", _one(BRI, -1), "sad,sombre,somber,melancholic,melancholy,bleak", True)
_add("adj", _one(BRI, -1), "in shadow,in the shade,in shade,in the dark,silhouetted", True)
_add("adj", _one(BRI, -1), "underexposed,under exposed,crushed,blocked up,too dim", True)
_add("adj", _one(BRI, 1), "overexposed,over exposed,blown out,blown,blinding,clipping", True)
_add("adj", _one(BRI, 1), "clipped,burnt out,burned out,shiny,milky,glary,overlit,over lit", True)
_add("adj", _one(BRI, 1), "white,whitish")
_add("adj", _one(BRI, -1), "black,pitch black,jet black")
_add("cmp", _one(BRI, 1), "whiter")
_add(
    "adj",
    _one(BRI, -1),
    "hardly see,barely see,hardly make out,barely make out,too dark to see",
    True,
)
_add("noun", _one(BRI, -1), "vignette,vignetting", region="edges")
_add("cmp", _one(BRI, 1), "brighter,lighter,sunnier,shinier,more exposed")
_add("cmp", _one(BRI, -1), "darker,dimmer,gloomier,moodier,murkier")
_add("verb", _one(BRI, 1), "brighten,lighten,lift,illuminate,light up,brighten up,open up,dodge")
_add("verb", _one(BRI, 1), "glow")
_add("verb", _one(BRI, -1), "darken,dim down,burn,deepen,crush,burn in")
_add("noun", _one(BRI, 1), "brightness,exposure,lightness,luminance,light,ev,luminosity")
_add("noun", _one(BRI, 1), "sun,sunshine,sunlight,daylight")
_add("noun", _one(BRI, 1), "glare,shine,hotspots,hot spots,overexposure", True)
_add("noun", _one(BRI, -1), "darkness,gloom,shade,dimness,underexposure", True)
# contrast
_add("adj", _one(CON, 1), "contrasty,punchy,crisp,snappy,clear,defined,high contrast,dramatic")
_add("adj", _one(CON, 1), "harsh,overprocessed", True)
_add("adj", _one(CON, -1), "soft,gentle,low contrast,smooth")
_add("adj", _one(CON, -1), "flat,muddy,hazy,foggy,misty,lacks contrast", True)
_add("adj", ((COL, -1, 1.0), (CON, -1, 1.0)), "washed out,washed", True)
_add("adj", ((COL, -1, 1.0), (CON, -1, 0.5)), "lifeless,lacklustre,lackluster", True)
_add("cmp", _one(CON, 1), "punchier,crisper,harsher,snappier,clearer,more contrasty,more defined")
_add("cmp", _one(CON, -1), "softer,gentler,flatter,smoother")
_add("verb", _one(CON, 1), "punch up,dehaze,clear up,define,sculpt")
_add("verb", _one(CON, -1), "soften,flatten")
_add("noun", _one(CON, 1), "contrast,punch,clarity,depth,drama,definition,texture,micro contrast")
_add("noun", _one(CON, 1), "s curve,contrasts,crispness,structure,oomph,separation,detail,details")
_add("noun", _one(CON, 1), "harshness", True)
_add("noun", _one(CON, -1), "haze,fog,flatness,softness,murk,mist", True)
# colourfulness
_add("adj", _one(COL, 1), "saturated,colourful,colorful,vivid,vibrant,rich,lush,lively,bold,juicy")
_add("adj", _one(COL, 1), "full of colour,full of color,poppy,alive,healthy,healthier")
_add(
    "adj",
    _one(COL, 1),
    "garish,oversaturated,over saturated,radioactive,cartoonish,overcooked",
    True,
)
_add("adj", _one(COL, 1), "cartoony,oversaturation,gaudy,psychedelic,neon,lurid,loud", True)
_add("adj", _one(COL, -1), "muted,pale,desaturated,subdued,calm,calmer,understated")
_add("adj", _one(COL, -1), "faded,dull,drab,bland,dead,grey,gray,greyish,grayish,colourless", True)
_add("adj", _one(COL, -1), "colorless,sickly,sallow,lacking colour,lacking color,ashen,pasty", True)
_add("adj", _one(COL, -1), "anaemic,anemic,listless", True)
_add("adj", _one(COL, -1), "ghostly,drained,insipid,wan,dirty,grubby,beige,mousy", True)
_add("cmp", _one(COL, 1), "richer,livelier,more saturated,lusher,bolder,greener,more colourful")
_add("cmp", _one(COL, 1), "more colorful,more vivid,more vibrant,juicier,healthier looking")
_add("cmp", _one(COL, -1), "paler,duller,less saturated,more muted,more subdued")
_add("verb", _one(COL, 1), "saturate,intensify,liven,liven up,enrich,revive,perk up,jazz up")
_add("verb", _one(COL, -1), "desaturate,desat,mute,drain,fade")
_add("noun", _one(COL, 1), "saturation,colour,color,colours,colors,vibrance,vibrancy,colorfulness")
_add("noun", _one(COL, 1), "colourfulness,chroma,life,colour saturation,color saturation")
_add("noun", _one(COL, 1), "intensity")
_add("noun", _one(COL, -1), "greyness,grayness,dullness,pallor", True)
_add("noun", ((COL, 1, 1.0), (CON, 1, 0.5)), "pop,zing,zip")
_add("verb", ((COL, 1, 1.0), (CON, 1, 0.5)), "pop")
_add("cmp", ((COL, 1, 1.0), (BRI, -1, 1.0)), "deeper")
_add("adj", ((COL, 1, 1.0), (BRI, -1, 1.0)), "deep")
# temperature
_add("adj", _one(TEMP, 1), "warm,golden,amber,sunlit,cosy,cozy,toasty,creamy,tanned,balmy")
_add("adj", _one(TEMP, 1), "hot,sweltering,baking,scorching,boiling,fiery,sunburnt,sunburned", True)
_add("adj", _one(TEMP, 1), "ruddy,flushed,beetroot,lobster", True)  # red skin: too warm
_add("adj", _one(TEMP, 1), "brassy,jaundiced,nicotine", True)  # hair or skin gone yellow-orange
_add("adj", _one(TEMP, -1), "cool,cold,icy,chilly,frosty,wintry,nordic")
_add("adj", _one(TEMP, -1), "freezing,clinical,sterile,frigid,frozen", True)
_add("cmp", _one(TEMP, 1), "warmer,yellower,redder,more golden,toastier,hotter,cosier,cozier")
_add("cmp", _one(TEMP, -1), "cooler,colder,bluer,icier,chillier")
_add("verb", _one(TEMP, 1), "warm up,heat up")
_add("verb", _one(TEMP, -1), "cool down,cool off,chill out")
_add("noun", _one(TEMP, 1), "warmth,warmness,heat,temperature,temp,colour temperature")
_add("noun", _one(TEMP, 1), "color temperature,white balance,colour balance,color balance,kelvin")
_add("noun", _one(TEMP, 1), "redness,yellowness,orangeness")
_add("noun", _one(TEMP, -1), "coolness,coldness,chill,blueness")
# level words: the attribute comes from what they describe ("the reds are too strong")
# ("loud" is not among them: listed with the garish colour words above, it stays one of them)
_add("level", (("", 1, 1.0),), "strong,intense,heavy,overpowering,high,extreme,overwhelming")
_add("level", (("", 1, 1.0),), "much,powerful,in your face")
_add("level", (("", 1, 1.0),), "huge,massive,enormous,crazy,insane,mental")
# excess said as a verdict: "the contrast is killing it", "the saturation is over the top"
_add("level", (("", 1, 1.0),), "killing it,killing me,kill it,over the top,excessive,overkill")
_add("level", (("", -1, 1.0),), "weak,low,faint,lacking,missing,gone,absent,poor")

#: Circumstances that are complaints only as the predicate: "her face is in shadow", not
#: "the walls look blue in the shade".
CONDITIONS = {"in shadow", "in the shade", "in shade", "in the dark"}

#: Attribute nouns that only name an attribute; a complaint about them decides the direction.
ATTRIBUTE_NOUNS = {w for w, c in CUES.items() if c.form == "noun" and not c.negative}
#: Longest cue phrase, in words.
MAX_CUE_WORDS = max(len(w.split()) for w in CUES)
