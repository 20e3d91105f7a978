"""Sample corpus and the generator of realistic reports with planted errors."""
