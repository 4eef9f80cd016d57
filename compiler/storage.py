"""S3 buckets: private, encrypted, versioned, and readable and writable by the host alone."""

from __future__ import annotations

from s0c.spec.diagnostics import error

from .graph import Ref, Template
from .naming import Context, aws_name, ident


def bucket_name(ctx: Context, name: str) -> str:
    return aws_name(ctx.name, name)


def lower_buckets(ctx: Context) -> list[dict]:
    """The buckets' nodes; returns the IAM statements that give the host access to them."""
    objects, buckets = [], []
    seen: dict[str, int] = {}
    for index, bucket in enumerate(ctx.spec.buckets):
        origin = ("buckets", index)
        id = ident("bucket", bucket.name)
        name = bucket_name(ctx, bucket.name)
        # Two buckets with one name (or "x" and "x-public-access", whose ids collide) are a
        # spec error at the second name, not a crash of the graph.
        ids = {id, f"{id}_public_access", f"{id}_encryption", f"{id}_versioning"}
        clash = next((seen[i] for i in sorted(ids) if i in seen), None)
        if clash is not None:
            first = ctx.spec.buckets[clash].name
            ctx.graph.problems.append(error(
                "S0C-NAME", f"bucket name {bucket.name!r} is already used by buckets[{clash}]"
                if first == bucket.name else f"bucket name {bucket.name!r} clashes with the"
                f" resources s0c names after buckets[{clash}] ({first!r}); rename one",
                origin + ("name",)))
            continue
        seen.update((i, index) for i in ids)
        # force_destroy stays off: a bucket with data in it is never deleted by a destroy.
        ctx.add(id, "bucket", {"bucket": name, "force_destroy": False}, origin, name=name)
        ctx.add(f"{id}_public_access", "bucket_public_access_block", {
            "bucket": Ref(id, "id"),
            "block_public_acls": True,
            "block_public_policy": True,
            "ignore_public_acls": True,
            "restrict_public_buckets": True,
        }, origin)
        if bucket.encrypted:
            ctx.add(f"{id}_encryption", "bucket_encryption", {
                "bucket": Ref(id, "id"),
                "rule": {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}},
            }, origin + ("encrypted",))
        if bucket.versioning:
            ctx.add(f"{id}_versioning", "bucket_versioning", {
                "bucket": Ref(id, "id"),
                "versioning_configuration": {"status": "Enabled"},
            }, origin + ("versioning",))
        buckets.append(Ref(id, "arn"))
        objects.append(Template((Ref(id, "arn"), "/*")))
    if not buckets:
        return []
    return [{"Sid": "ListBuckets", "Effect": "Allow", "Action": ["s3:ListBucket"],
             "Resource": buckets},
            {"Sid": "ReadWriteObjects", "Effect": "Allow",
             "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": objects}]
