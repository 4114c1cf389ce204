from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """The e-mail address and whether it is verified: a user whose last name is "unverified"
    stands for an identity whose address the provider has not checked."""

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.last_name != "unverified",
            "name": user.get_full_name() or user.username,
        }


assert settings.OAUTH2_PROVIDER["OIDC_ENABLED"]  # type: ignore[misc]  # the provider's own settings
