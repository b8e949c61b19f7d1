"""Encryption at rest of identity templates: Fernet (AES-128-CBC with an HMAC-SHA256 tag) from the
`cryptography` package, with the key from config ([candidates] template_key or IG_TEMPLATE_KEY).

The database keeps a short key id beside each template (a hash of the key, never the key), so a template
written with another key is reported as such instead of as damaged.
"""

from __future__ import annotations

import hashlib

from cryptography.fernet import Fernet, InvalidToken

from interview_guard.candidates.template import IdentityTemplate
from interview_guard.errors import UserError

KEY_HELP = ("set [candidates] template_key in config.toml in the data folder (or IG_TEMPLATE_KEY); "
            "`interview-guard candidates new-key` makes one")


class TemplateKeyError(UserError):
    """No key, a malformed key, or a template encrypted with another key."""


def new_key() -> str:
    return Fernet.generate_key().decode()


class TemplateCipher:
    def __init__(self, key: str, where: str = "config") -> None:
        if not key:
            raise TemplateKeyError(f"no key to encrypt identity templates: {KEY_HELP}")
        try:
            self._fernet = Fernet(key.encode())
        except (ValueError, TypeError) as e:
            raise TemplateKeyError(f"{where}: template_key is not a valid key (32 bytes in url-safe base64, "
                                   f"44 characters); `interview-guard candidates new-key` makes one") from e
        self.key_id = hashlib.sha256(key.encode()).hexdigest()[:12]

    def encrypt(self, template: IdentityTemplate) -> bytes:
        return self._fernet.encrypt(template.to_json())

    def decrypt(self, payload: bytes, key_id: str) -> IdentityTemplate:
        if key_id != self.key_id:
            raise TemplateKeyError(f"this identity template was encrypted with key {key_id}, but the configured "
                                   f"key is {self.key_id}: configure the key it was made with")
        try:
            return IdentityTemplate.from_json(self._fernet.decrypt(payload))
        except InvalidToken as e:
            raise TemplateKeyError(f"an identity template (key {key_id}) failed its integrity check: it was "
                                   f"altered or damaged; `interview-guard candidates forget` removes it") from e
