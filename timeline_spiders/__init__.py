"""Scrapy project: what Parliament, legislation.gov.uk and the DfE publish about pupil data."""
