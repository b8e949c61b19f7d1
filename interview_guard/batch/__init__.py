"""Batch analysis: many recordings, a local process pool or a Ray cluster, one session store."""
