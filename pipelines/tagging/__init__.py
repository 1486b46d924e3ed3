"""Campaign tagging from the rules file staff edit (`data/campaigns.yml`).

The rules are data, not code: this package only knows how to read, check and apply
them. Every tag records the rule and the terms that produced it, whether it is
confirmed or only suggested (with a score), and what context gave it, so staff can see
why an item is on a campaign page and fix the rule (or override the tag) when it is
wrong.

- `reading`: load and check the file (`load_rules`, `RulesError`); `rule_reading`
  checks one rule, `checking` the lists and phrases both share.
- `rules`: the rules as values (`CampaignRules`, `Campaign`, `Rule`, `Phrase`).
- `words`, `index`: a text's stemmed words, sentences and rule vocabulary.
- `matching`: rules applied to a text (`Tagger`, `tag_text`, `Context`).
- `context`: an item's own words apart from its heading or question (`item_text`).
- `pipeline`: the crawl's step (`TaggingPipeline`).
"""

from __future__ import annotations

from pipelines.tagging.context import ItemText, item_text
from pipelines.tagging.matching import Context, Tagger, tag_text
from pipelines.tagging.pipeline import TaggingPipeline
from pipelines.tagging.reading import RulesError, load_rules
from pipelines.tagging.rules import Campaign, CampaignRules, Phrase, Rule

__all__ = [
    "Campaign",
    "CampaignRules",
    "Context",
    "ItemText",
    "Phrase",
    "Rule",
    "RulesError",
    "Tagger",
    "TaggingPipeline",
    "item_text",
    "load_rules",
    "tag_text",
]
