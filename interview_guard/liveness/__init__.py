"""Liveness and deepfake signals: pulse, blinks, replays and stills, seams, the challenge."""
