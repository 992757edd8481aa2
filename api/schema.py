"""Schema post-processing: every operation documents the error answers it can give, with their shape."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "Messages in the caller's language, keyed by field (`non_field_errors`, `detail`).",
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input: messages keyed by field.",
    "401": "Not authenticated (no or a wrong token).",
    "403": "Forbidden (e.g. a session request without its CSRF token).",
    "404": "Not found, or not in the caller's scope (the same answer).",
    "405": "Method not allowed.",
    "406": "Not acceptable (the API answers JSON).",
    "415": "Unsupported media type (send JSON).",
}


def error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result
