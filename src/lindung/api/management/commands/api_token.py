from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lindung.accounts.models import User
from lindung.api.services import api_token_create
from lindung.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Membuat token API untuk pengguna (ditampilkan sekali; hanya sidiknya yang "
        "disimpan). Token dapat dicabut di halaman Token API pemiliknya."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="token API", help="nama/kegunaan token")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"masa berlaku dalam hari (bawaan {settings.API_TOKEN_DAYS})",
        )
        parser.add_argument(
            "--read-only",
            action="store_true",
            help="token hanya boleh membaca data (permintaan GET)",
        )

    def handle(self, *args, username: str, name: str, days: int | None, read_only: bool, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as e:
            raise CommandError(f"Pengguna {username!r} tidak ditemukan atau tidak aktif.") from e
        try:
            row, token = api_token_create(user=user, name=name, days=days, read_only=read_only)
        except DomainError as e:
            raise CommandError(e.message) from e
        # The token alone on stdout, for scripts; what it is on stderr.
        self.stdout.write(token)
        self.stderr.write(
            f"Berlaku sampai {timezone.localtime(row.expires_at):%Y-%m-%d %H:%M %Z}"
            f"{'; hanya baca' if row.read_only else ''}."
        )
