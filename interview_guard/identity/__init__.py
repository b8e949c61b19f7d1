"""Face identity: dlib descriptors on usable faces, the session identity, reference photos."""

from interview_guard.identity.embedder import embed_faces
from interview_guard.identity.reference import ReferenceFace, load_references
from interview_guard.identity.stage import IdentityStage

__all__ = ["embed_faces", "ReferenceFace", "load_references", "IdentityStage"]
