"""``nypconsol init``: a starter config/accounts.yaml and inventory.csv to edit."""

from __future__ import annotations

from pathlib import Path

import click

from nypconsol.cli.options import version_option


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite the starter files if they exist.")
@version_option
def init(directory, force):  # type: ignore[no-untyped-def]
    """Write a starter config/accounts.yaml and inventory.csv into DIRECTORY (default: here).

    Refuses to overwrite existing files unless --force is given. Writes both files or,
    if it cannot (a full disk, an interrupt), neither.
    """
    from importlib import resources

    from nypconsol.core.errors import InputError
    from nypconsol.loaders.sources import LOCAL_CONFIG, built_in_config
    from nypconsol.loaders.writing import check_inside, write_files

    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{directory} is a file, not a folder")
    example = (resources.files("nypconsol") / "data" / "example-inventory.csv").read_bytes()
    files = {folder / LOCAL_CONFIG: built_in_config(), folder / "inventory.csv": example}
    # Decide about every target before writing any, so a refusal writes nothing.
    for target in files:
        if target.exists() or target.is_symlink():
            check_inside(folder, target)
    existing = [str(t) for t in files if t.exists() or t.is_symlink()]
    if existing and not force:
        verb = "exists" if len(existing) == 1 else "exist"
        raise InputError(
            f"{' and '.join(existing)} already {verb}: nothing was written; use --force to "
            "overwrite"
        )
    for target in files:
        check_inside(folder, target)
    write_files(files)  # all or none: a full disk or an interrupt leaves nothing behind
    for target in files:
        click.echo(f"Wrote {target}", err=True)
    import shlex

    here = folder.resolve() == Path.cwd().resolve()
    go = "" if here else f"cd {shlex.quote(directory)} && "
    click.echo(f"Next: {go}nypconsol plan -i inventory.csv", err=True)
