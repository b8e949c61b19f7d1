"""Train the face-forgery detector from real faces only (Self-Blended Images style); see __main__.py."""
