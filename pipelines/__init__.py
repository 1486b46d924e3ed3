"""Item pipelines shared by every spider: dates, citations, campaign tags, storage."""
