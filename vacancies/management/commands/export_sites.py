"""manage.py export_sites FILE: the sites as GeoPackage, Shapefile, GeoJSON, CSV or XLSX."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fabtown.gis_io import GisFileError
from vacancies.services.gis import sites_export


def user_by_name(username: str | None):
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"There is no user {username!r}.") from None


class Command(BaseCommand):
    help = (
        "Export all sites; the format follows the extension (.gpkg, .shp, .geojson, .csv, "
        ".xlsx). Reference system: EPSG:25832 for GeoPackage and Shapefile, EPSG:4326 for "
        "GeoJSON, CSV (lon/lat) and XLSX, unless --srid says otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--srid", type=int, choices=[25832, 4326])
        parser.add_argument(
            "--with-owner-data",
            action="store_true",
            help="Add the owner columns (needs --user with vacancies.view_owner_data; logged).",
        )
        parser.add_argument("--user", help="Who exports (user name).")

    def handle(self, *args, file, srid, with_owner_data, user, **options):
        by = user_by_name(user)
        if with_owner_data and by is None:
            raise CommandError("--with-owner-data needs --user (who exports them is recorded).")
        try:
            count = sites_export(path=file, srid=srid, by=by, with_owner_data=with_owner_data)
        except (GisFileError, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"exported {count} sites to {file}")
        # the same last line as import_sites (issue 11's contract): rows created in the file
        self.stdout.write(f"created {count}, updated 0, unchanged 0, rejected 0")
