"""The rules version stored with every reviewed document.

Bump it when a rule's behaviour changes: stored results of an older version are checked again.
Kept apart from the engine so that the review's parent process (which only compares versions)
does not load the rules.
"""

RULES_VERSION = "3"
