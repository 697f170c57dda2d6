"""The pure planning core: plain frozen dataclasses in and out, stdlib and networkx only."""
