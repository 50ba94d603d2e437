"""Request bodies read strictly: JSON only, decoded straight into the handler's msgspec struct.

Litestar decodes a body to plain Python objects and then converts them to the declared type with
msgspec's lax rules, so ``"top_k": "10"`` became 10, a ``text/plain`` body was parsed as JSON, and a
body nested 500 levels deep or holding invalid UTF-8 escaped as ``RecursionError`` or
``UnicodeDecodeError`` (500). Here the body is decoded once, in strict mode, directly into the type the
handler declares: a value of the wrong type fails at its own depth (so a deep array where a string
belongs stops at level two), and every failure is a 400 problem. Anything but JSON is a 415.
"""

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

__all__ = ["StrictJSONRequest", "is_json_media_type"]


def is_json_media_type(media_type: str) -> bool:
    """Whether a body of this media type is JSON (``application/json`` or any ``+json`` type).

    Example:
        >>> is_json_media_type("application/json"), is_json_media_type("text/plain")
        (True, False)
    """
    media_type = media_type.strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


class StrictJSONRequest(Request[Any, Any, Any]):
    """The request class of the app: its ``json()`` is the only place a body is decoded."""

    async def json(self) -> Any:
        """Decode the body strictly into the handler's ``data`` type.

        Raises:
            HTTPException: 415 when the body is not declared as JSON.
            ValidationException: 400 when the body is not valid JSON of the declared shape.
        """
        media_type, _options = self.content_type
        if not is_json_media_type(media_type):
            raise HTTPException(
                status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                detail=f"send the body as application/json, not {media_type or 'without a content type'}",
            )
        body = await self.body()
        field = self.route_handler.parsed_data_field
        target: Any = field.annotation if field is not None else Any
        try:
            return msgspec.json.decode(body or b"null", type=target, strict=True)
        except msgspec.ValidationError as exc:
            raise ValidationException(detail=f"invalid request body: {exc}") from exc
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            raise ValidationException(detail=f"malformed JSON body: {exc}") from exc
        except RecursionError as exc:
            raise ValidationException(detail="malformed JSON body: nested too deeply") from exc
