"""The text of an item that citations, tags and search all read."""


def document_text(title: str, summary: str, body: str) -> str:
    """Title, summary and body as one text, so every derived value reads the same words."""
    return "\n".join(part for part in (title, summary, body) if part)
