"""Page queries (DESIGN rule 12): each page reads what it shows in one service call returning a dataclass, with
the fewest DynamoDB calls (a BatchGetItem across tables for records known by key, one Query per list)."""
