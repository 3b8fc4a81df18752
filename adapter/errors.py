"""The adapter's error tree.

Every error carries a stable machine ``code`` (shown in SOAP faults, acknowledgements, the CLI and
the cabinet) and a human ``message``. The class docstring is the default message, as in
procrastinate. Whether an error is worth retrying is a property of its type (``retryable``), so the
delivery worker never has to guess from text.
"""

from __future__ import annotations

from typing import Any


class AdapterError(Exception):
    """Помилка адаптера."""

    code: str = "ADAPTER_ERROR"
    retryable: bool = False

    def __init__(
        self, message: str | None = None, *, code: str | None = None, **fields: Any
    ) -> None:
        self.message = message or (self.__doc__ or "").strip()
        if code is not None:
            self.code = code
        self.fields = fields
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ConfigurationError(AdapterError):
    """Неправильна конфігурація адаптера."""

    code = "CONFIG_INVALID"


class XmlError(AdapterError):
    """Документ не є коректним XML."""

    code = "XML_MALFORMED"


class SchemaError(AdapterError):
    """Документ не відповідає XSD-схемі."""

    code = "SCHEMA_INVALID"


class SignatureError(AdapterError):
    """Підпис документа не пройшов перевірку."""

    code = "SIG_INVALID"


class TrustError(SignatureError):
    """Сертифікат підписувача не є довіреним."""

    code = "SIG_UNTRUSTED"


class MappingError(AdapterError):
    """Вміст документа не відповідає правилам предметної області."""

    code = "MAPPING_INVALID"


class DocumentConflict(AdapterError):
    """Документ з таким ідентифікатором і ревізією вже отримано з іншим вмістом."""

    code = "DOC_CONFLICT"


class ReplayError(SignatureError):
    """Повідомлення вже надходило (повтор)."""

    code = "WSSE_REPLAY"


class RemoteError(AdapterError):
    """Віддалена система повернула помилку."""

    code = "REMOTE_ERROR"


class TransientRemoteError(RemoteError):
    """Віддалена система тимчасово недоступна; спробуємо ще раз."""

    code = "REMOTE_UNAVAILABLE"
    retryable = True


class PermanentRemoteError(RemoteError):
    """Віддалена система відхилила повідомлення остаточно."""

    code = "REMOTE_REJECTED"


class DeliveryError(AdapterError):
    """Повідомлення не вдалося доставити."""

    code = "DELIVERY_FAILED"


class ValidationError(AdapterError):
    """Дані не пройшли перевірку."""

    code = "VALIDATION_FAILED"
