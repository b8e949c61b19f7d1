"""The mouth between landmarked frames: a tiny CNN that reads the change of lip gap, mouth width and jawOpen
from two grey mouth crops (issue 26: lip-sync needs the mouth at the video's rate, the landmarker costs 11 ms
a frame). Not shipped yet: see `python -m training.mouth_shape --help` and docs/evaluation.md."""
