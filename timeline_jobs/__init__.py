"""The jobs that run the spiders and the pipelines: the nightly job, re-tagging, loading
the staff files, scoring the rules. Scrapy commands (`scrapy nightly`, ...) and the run
recorder live here, above both `timeline_spiders` and `pipelines`, which know nothing of
them."""
