import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "For local development: make sure a staff login exists. Creates the superuser 'admin' "
        "with a random password, stored in .local/admin-password (readable by you only)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--password-file", default=str(Path(settings.BASE_DIR) / ".local" / "admin-password")
        )

    def handle(self, *args, username: str, password_file: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Only for local development (DEBUG=1); use createsuperuser instead.")
        path = Path(password_file)
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(password + "\n", encoding="utf-8")
            self.stdout.write(f"Created the staff login '{username}'.")
        if path.exists():
            self.stdout.write(
                f"Log in at /admin/ as '{username}' with the password in {path} (cat {path})."
            )
        else:
            self.stdout.write(f"Log in at /admin/ as '{username}' (password set earlier).")
