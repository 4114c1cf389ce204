"""The page shell: front page panels, navigation, help pages, middleware and what every template
gets."""
