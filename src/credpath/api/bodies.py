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
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

__all__ = ["MULTIPART", "UPLOAD_FIELD", "StrictJSONRequest", "is_json_media_type", "read_upload"]

# The form field an uploaded document comes in.
UPLOAD_FIELD = "file"
MULTIPART = "multipart/form-data"


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


async def read_upload(request: Request[Any, Any, Any], field: str = UPLOAD_FIELD) -> bytes:
    """The content of the one file part named ``field`` of a ``multipart/form-data`` body.

    The handler declares no ``data``, so Litestar does not parse the form before it: its extractor for an
    ``UploadFile`` parameter takes the first file part whatever its name, and for a form with no file part at
    all raises ``StopIteration`` inside a coroutine (a ``RuntimeError``: 500); its parser also decodes every
    non-file part with the charset the part declares, so a value that is not UTF-8 or a charset Python does not
    know escaped as ``UnicodeDecodeError`` or ``LookupError`` (500). Here the form is parsed inside a ``try``:
    every parse failure is a 400 problem, a body over the limit stays Litestar's 413, and anything but
    ``multipart/form-data`` is a 415.

    Raises:
        HTTPException: 415 (not multipart), 413 (over ``max_body_bytes``), 400 (malformed multipart).
        ValidationException: 400 when the form holds no single file part named ``field``.
    """
    media_type, options = request.content_type
    if media_type != MULTIPART:
        raise HTTPException(
            status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail=f"send the file as {MULTIPART}, not {media_type or 'without a content type'}",
        )
    if not options.get("boundary"):
        raise ValidationException(detail=f"malformed {MULTIPART} body: no boundary in the Content-Type")
    try:
        form = await request.form()
    except HTTPException:
        raise
    except (UnicodeError, LookupError, ValueError) as exc:
        raise ValidationException(detail=f"malformed {MULTIPART} body: {exc}") from exc
    try:
        parts = form.getall(field, [])
        files = [part for part in parts if isinstance(part, UploadFile)]
        if len(parts) != 1 or len(files) != 1:
            raise ValidationException(
                detail=f"send the document as one {MULTIPART} file part named {field!r} "
                f"(this form has {len(files)} file part(s) named so, and {len(parts) - len(files)} other field(s))"
            )
        return await files[0].read()
    finally:
        await form.close()
