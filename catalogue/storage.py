"""Storage kinds: S3 buckets and the settings Terraform keeps as separate resources."""

from __future__ import annotations

from typing import Any

from .model import Api, CfnFold, CfnResource, Call, Keep, Kind, Props, Stateful, fields

PUBLIC_ACCESS_BLOCK = fields("block_public_acls", "block_public_policy", "ignore_public_acls",
                             "restrict_public_buckets")


def _sse_algorithm(p: Props) -> str:
    return p["rule"]["apply_server_side_encryption_by_default"]["sse_algorithm"]


def _encryption(p: Props, v) -> dict[str, Any]:
    if v.target == "cfn":
        return {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": _sse_algorithm(p)}}]}
    return {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": _sse_algorithm(p)}}]}


def _versioning(p: Props, v) -> dict[str, Any]:
    return {"Status": p["versioning_configuration"]["status"]}


_BUCKET = {"Bucket": "=bucket"}

KINDS = [
    # The bucket's own boto3 steps depend on the region (LocationConstraint) and its outputs are
    # known before it exists: the boto3 backend writes them (its one irregular kind here).
    Kind("bucket", "storage", "aws_s3_bucket",
         CfnResource("AWS::S3::Bucket", {"id": "Ref", "arn": "Arn"}),
         Api("s3", "CreateBucket"),
         fields("bucket", "force_destroy", bucket="BucketName",
                cfn={"force_destroy": None}, api={"bucket": "Bucket", "force_destroy": None}),
         attrs={"id": "id", "arn": "arn"},
         # As Terraform's force_destroy = false: deleting the stack keeps the data, and a
         # bucket that still holds objects is never deleted by s0c.
         stateful=Stateful("the bucket's objects", lambda props: Keep.RETAIN),
         price="s3_storage", cfn_property={"force_destroy": None}),
    Kind("bucket_public_access_block", "storage", "aws_s3_bucket_public_access_block",
         CfnFold("bucket", "bucket", "PublicAccessBlockConfiguration",
                 lambda p, v: PUBLIC_ACCESS_BLOCK.pick(p, "cfn", v)),
         Api("s3", "PutPublicAccessBlock",
             params={"Bucket": "=bucket"},
             undo=Call("DeletePublicAccessBlock", _BUCKET,
                       gone=("NoSuchBucket", "NoSuchPublicAccessBlockConfiguration"))),
         fields("bucket", api={"bucket": None}), taggable=False,
         extra=lambda p, v: ({"PublicAccessBlockConfiguration": PUBLIC_ACCESS_BLOCK.pick(
             p, "api", v)} if v.target == "api" else {})),
    Kind("bucket_encryption", "storage", "aws_s3_bucket_server_side_encryption_configuration",
         CfnFold("bucket", "bucket", "BucketEncryption", _encryption),
         Api("s3", "PutBucketEncryption", params={"Bucket": "=bucket"},
             undo=Call("DeleteBucketEncryption", _BUCKET, gone=("NoSuchBucket",))),
         fields("bucket", api={"bucket": None}), taggable=False,
         extra=lambda p, v: ({"ServerSideEncryptionConfiguration": _encryption(p, v)}
                             if v.target == "api" else {})),
    # Nothing to undo: versioning cannot be removed, only suspended, and the bucket goes next.
    Kind("bucket_versioning", "storage", "aws_s3_bucket_versioning",
         CfnFold("bucket", "bucket", "VersioningConfiguration", _versioning),
         Api("s3", "PutBucketVersioning", params={"Bucket": "=bucket"}),
         fields("bucket", api={"bucket": None}), taggable=False,
         extra=lambda p, v: ({"VersioningConfiguration": _versioning(p, v)}
                             if v.target == "api" else {})),
]
