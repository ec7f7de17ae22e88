"""Post-processing of the OpenAPI schema (drf-spectacular hooks)."""

ERROR = {
    "type": "object",
    "additionalProperties": True,
    "description": "Field errors ({field: [messages]}) or {detail: message}.",
}
ERROR_RESPONSES = {
    "400": "Invalid input: field errors for each bad parameter or field.",
    "401": "Authentication required or token invalid (writes need a token).",
    "403": "The token's user lacks the permission for this write.",
    "404": "No such record, or no such page.",
    "429": "Too many requests (anonymous rate limit).",
}
SAFE_METHODS = {"get", "head", "options"}


def _limit_query_strings(operation) -> None:
    from fabtown.middleware import MAX_QUERY_VALUE_LENGTH

    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") == "query" and schema.get("type") == "string":
            schema.setdefault("maxLength", MAX_QUERY_VALUE_LENGTH)


def add_error_responses_and_optional_auth(result, generator, request, public):
    """Document the error answers every endpoint can give, and that reading needs no login."""
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in ERROR_RESPONSES.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR}},
                    },
                )
            _limit_query_strings(operation)
            if (
                method in SAFE_METHODS
                and "security" in operation
                and {} not in operation["security"]
            ):
                operation["security"].append({})
    return result
