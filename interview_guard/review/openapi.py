"""The OpenAPI 3.0 description of the review API (served at /api/openapi.json; fuzzed by the tests)."""

from __future__ import annotations

from typing import Any

from interview_guard import __version__
from interview_guard.follow_ups.core import STATES as FOLLOW_UP_STATES
from interview_guard.store.records import DECISIONS, RISK_LEVELS, SORT_KEYS, STATUSES

_ERROR = {"$ref": "#/components/schemas/Error"}
_NULLABLE_TEXT = {"type": "string", "nullable": True}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    words = {400: "bad parameters", 401: "missing or wrong token (non-local bind)", 404: "no such session"}
    return {str(c): _json(_ERROR, words[c]) for c in codes}


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}, "description": "session id"}
_LIST_PARAMS = [
    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "text in source, candidate or id"},
    {"name": "risk", "in": "query", "schema": {"type": "string", "enum": list(RISK_LEVELS)}},
    {"name": "check", "in": "query", "schema": {"type": "string"}, "description": "has an indicator of this check"},
    {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(STATUSES)}},
    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORT_KEYS)}},
    {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
]

_SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "Decision": {"type": "object", "required": ["decision", "note", "reviewer", "created"], "properties": {
        "decision": {"type": "string", "enum": list(DECISIONS)}, "note": {"type": "string"},
        "reviewer": {"type": "string"}, "created": {"type": "string"}}},
    "NewDecision": {"type": "object", "required": ["decision"], "properties": {
        "decision": {"type": "string", "enum": list(DECISIONS)},
        "note": {"type": "string", "maxLength": 4000}, "reviewer": {"type": "string", "maxLength": 200}}},
    "Session": {"type": "object", "required": ["id", "source", "started", "risk_level", "status"], "properties": {
        "id": {"type": "string"}, "kind": {"type": "string", "enum": ["recording", "live"]},
        "source": {"type": "string"}, "started": {"type": "string"}, "finished": _NULLABLE_TEXT,
        "status": {"type": "string", "enum": list(STATUSES)},
        "risk_level": {"type": "string", "enum": list(RISK_LEVELS)}, "risk_score": {"type": "number"},
        "duration_s": {"type": "number"}, "indicator_count": {"type": "integer"},
        "checks_flagged": {"type": "array", "items": {"type": "string"}}, "candidate": {"type": "string"},
        "error": {"type": "string"},
        "decision": {"allOf": [{"$ref": "#/components/schemas/Decision"}], "nullable": True}}},
    "Indicator": {"type": "object", "required": ["check", "start", "end", "reason"], "properties": {
        "check": {"type": "string"}, "start": {"type": "number"}, "end": {"type": "number"},
        "level": {"type": "string"}, "score": {"type": "number"}, "confidence": {"type": "number"},
        "strength": {"type": "number"}, "reason": {"type": "string"},
        "evidence": {"type": "array", "items": {"type": "object"}}, "measurements": {"type": "object"}}},
    "FollowUp": {"type": "object", "required": ["id", "check", "question", "state"], "properties": {
        "id": {"type": "string"}, "check": {"type": "string"}, "start": {"type": "number"}, "end": {"type": "number"},
        "question": {"type": "string"}, "reason": {"type": "string"},
        "quotes": {"type": "array", "items": {"type": "object", "properties": {
            "source": {"type": "string"}, "text": {"type": "string"}, "t": {"type": "number", "nullable": True}}}},
        "state": {"type": "string", "enum": list(FOLLOW_UP_STATES)},
        "asked_at": {"type": "number", "nullable": True}, "answered_at": {"type": "number", "nullable": True},
        "answer_start": {"type": "number", "nullable": True}, "answer_end": {"type": "number", "nullable": True}}},
    "Segment": {"type": "object", "required": ["start", "end", "text"], "properties": {
        "start": {"type": "number"}, "end": {"type": "number"}, "text": {"type": "string"},
        "language": {"type": "string"}, "words": {"type": "array", "items": {"type": "object"}}}},
    "AuditEntry": {"type": "object", "required": ["at", "actor", "action"], "properties": {
        "at": {"type": "string"}, "actor": {"type": "string"}, "action": {"type": "string"},
        "session_id": _NULLABLE_TEXT, "detail": {"type": "string"}}},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(name: str) -> dict:
    return {"type": "array", "items": _ref(name)}


def openapi_document() -> dict[str, Any]:
    detail = {"type": "object", "required": ["session", "indicators", "transcript"], "properties": {
        "session": _ref("Session"), "indicators": _array("Indicator"), "transcript": _array("Segment"),
        "evidence": {"type": "array", "items": {"type": "object"}}, "decisions": _array("Decision"),
        "series": {"type": "array", "items": {"type": "object"}}, "warnings": {"type": "array"},
        "candidate_continuity": {"type": ["object", "null"], "description": "same person as the candidate's "
                                 "earlier rounds: status, reason, rounds[{round, face_distance, voice_similarity, "
                                 "verdict}] (null: not recorded)"},
        "risk_reasons": {"type": "array"}, "audit": _array("AuditEntry"), "follow_ups": _array("FollowUp")}}
    listing = {"type": "object", "required": ["sessions", "total"], "properties": {
        "sessions": _array("Session"), "total": {"type": "integer"}, "limit": {"type": "integer"},
        "offset": {"type": "integer"}}}
    purged = {"type": "object", "properties": {"sessions": {"type": "integer"}, "files": {"type": "integer"},
                                               "candidates": {"type": "integer"}}}
    paths = {
        "/api/sessions": {"get": {"summary": "list sessions", "operationId": "listSessions",
                                  "parameters": _LIST_PARAMS,
                                  "responses": {"200": _json(listing, "sessions"), **_errors(400, 401)}}},
        "/api/sessions.csv": {"get": {"summary": "the session list as CSV", "operationId": "listSessionsCsv",
                                      "parameters": _LIST_PARAMS, "responses": {
                                          "200": {"description": "CSV", "content": {"text/csv": {
                                              "schema": {"type": "string"}}}}, **_errors(400, 401)}}},
        "/api/sessions/{id}": {
            "get": {"summary": "one session with indicators, transcript, evidence, decisions and audit",
                    "operationId": "getSession", "parameters": [_ID],
                    "responses": {"200": _json(detail, "the session"), **_errors(401, 404)}},
            "delete": {"summary": "purge a session: rows and files", "operationId": "purgeSession",
                       "parameters": [_ID], "responses": {"200": _json(purged, "what was deleted"),
                                                          **_errors(401, 404)}}},
        "/api/sessions/{id}/export": {"get": {
            "summary": "summary JSON (schema_version in it) with the review", "operationId": "exportSession",
            "parameters": [_ID], "responses": {"200": _json({"type": "object"}, "the export"), **_errors(401, 404)}}},
        "/api/sessions/{id}/report": {"get": {
            "summary": "the self-contained HTML report", "operationId": "sessionReport", "parameters": [_ID],
            "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
                          **_errors(401, 404)}}},
        "/api/sessions/{id}/decision": {"post": {
            "summary": "record a reviewer's decision (audited)", "operationId": "decide", "parameters": [_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewDecision")}}},
            "responses": {"201": _json(_ref("Decision"), "recorded"), **_errors(400, 401, 404)}}},
        "/api/sessions/{id}/audit": {"get": {
            "summary": "the session's audit entries", "operationId": "sessionAudit", "parameters": [_ID],
            "responses": {"200": _json(_array("AuditEntry"), "entries"), **_errors(401, 404)}}},
        "/api/audit": {"get": {
            "summary": "the audit log, newest first", "operationId": "auditLog",
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                        "maximum": 1000}}],
            "responses": {"200": _json(_array("AuditEntry"), "entries"), **_errors(400, 401)}}},
    }
    return {"openapi": "3.0.3",
            "info": {"title": "interview-guard review API", "version": __version__,
                     "description": "Sessions, findings, decisions and the audit log. No login on this machine; "
                                    "on any other address every call needs `Authorization: Bearer TOKEN`."},
            "paths": paths,
            "components": {"schemas": _SCHEMAS,
                           "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
            "security": [{}, {"token": []}]}
