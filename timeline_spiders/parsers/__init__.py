"""Pure parsers, one module per source format: bytes in, `Document`s out.

They know nothing of Scrapy, so they are tested directly against fixtures and reused
by the benchmarks. A body that is not the format asked for raises `MalformedResponse`,
which the spider reports as an error for that URL; nothing is stored from it.
"""


class MalformedResponse(ValueError):
    """The response body is not the document format the parser expects."""
