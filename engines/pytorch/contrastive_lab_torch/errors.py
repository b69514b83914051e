"""The one error the mirror raises for a recipe it cannot reproduce faithfully."""
import json


class Unsupported(Exception):
    """An ingredient of the spec that this engine does not mirror (the CLI exits 2 with the message)."""

    def __init__(self, field: str, value, why: str = "is not mirrored in PyTorch yet"):
        self.field = field
        self.value = value
        shown = json.dumps(value) if not isinstance(value, str) else f'"{value}"'
        super().__init__(f"{field} {shown} {why}")
