"""`perfwatch fetch`: download the Fingertips data the framework names into the project's data folder."""

from __future__ import annotations

from pathlib import Path

import click

from perfwatch.cli.group import cli, unattended_options


@cli.command()
@click.option(
    "--project", type=click.Path(path_type=Path), help="The project file (default: ./perfwatch.yaml)."
)
@click.option(
    "--area-type",
    default=502,
    show_default=True,
    type=click.IntRange(1),
    help="Fingertips area type of the areas (502: counties and unitary authorities).",
)
@click.option(
    "--parent-area-type",
    default=15,
    show_default=True,
    type=click.IntRange(1),
    help="Their parent (15: England).",
)
@click.option(
    "--timeout", default=30.0, show_default=True, type=click.FloatRange(1), help="Seconds per request."
)
@click.option(
    "--retries", default=2, show_default=True, type=click.IntRange(0, 10), help="Tries after a failure."
)
@click.option("--offline", is_flag=True, help="Use only what was downloaded before (the cache).")
@click.option(
    "--url",
    "base_url",
    default="https://fingertips.phe.org.uk/api/",
    show_default=True,
    envvar="PERFWATCH_FINGERTIPS_URL",
    help="The Fingertips API address. Env: PERFWATCH_FINGERTIPS_URL.",
)
@unattended_options
def fetch(project, area_type, parent_area_type, timeout, retries, offline, base_url) -> None:
    """Download every Fingertips indicator the framework names (`fingertips: ID`) into data/fingertips.csv.

    Each download is kept in data/.fingertips-cache, used when the service does not answer or with
    --offline. List data/fingertips.csv under `data:` in perfwatch.yaml; it needs no mapping.
    """
    from perfwatch import api

    inputs = api.resolve_inputs(project=project or Path("perfwatch.yaml"))
    fetched = api.fetch(
        inputs, base_url=base_url, area_type=area_type, parent_area_type=parent_area_type,
        timeout=timeout, retries=retries, offline=offline,
    )  # fmt: skip
    for problem in fetched.problems:
        click.echo(
            f"perfwatch: warning: Fingertips did not answer for {problem}; used the cached download", err=True
        )
    if not click.get_current_context().obj.get("quiet"):
        cached = f", {len(fetched.cached)} from the cache" if fetched.cached else ""
        click.echo(f"wrote {fetched.export} ({len(fetched.downloaded)} indicators downloaded{cached})")
    listed = {Path(source.path).resolve() for source in inputs.data}
    if fetched.export.resolve() not in listed and inputs.project is not None:
        click.echo(
            f"add `{fetched.export.relative_to(inputs.project.root)}` to `data:` in perfwatch.yaml", err=True
        )
