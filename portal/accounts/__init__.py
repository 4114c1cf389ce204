"""Users, logins, two factors, invitations, user administration and the access rules."""
