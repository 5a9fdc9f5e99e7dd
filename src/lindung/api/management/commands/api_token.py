from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.models import User
from lindung.api.services import api_token_create


class Command(BaseCommand):
    help = "Membuat token API untuk pengguna (ditampilkan sekali; hanya sidiknya yang disimpan)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="token API", help="nama/kegunaan token")

    def handle(self, *args, username: str, name: str, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as e:
            raise CommandError(f"Pengguna {username!r} tidak ditemukan atau tidak aktif.") from e
        _row, token = api_token_create(user=user, name=name)
        self.stdout.write(token)
