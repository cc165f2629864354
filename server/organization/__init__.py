"""The organization: members, roles, invitations, sign-up policy, audit log, retention."""
