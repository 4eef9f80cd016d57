"""The one EC2 host that runs every app under docker compose, and its IAM identity."""

from __future__ import annotations

import re

from .graph import Input, InputDef, Json, Ref
from .naming import Context, aws_name
from .network import egress_route_ids
from .storage import lower_buckets
from .userdata import USER_DATA_LIMIT, approximate_size, render_user_data

AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
# AWS's instance naming: series, generation, then attribute letters, where "g" means Graviton
# (c7gn, m8gd, is4gen, hpc7g, x2gd); a1 is the first-generation Graviton. botocore's model has
# no architecture field, and a hand list of families goes stale with every new generation.
_ARM_FAMILY = re.compile(r"a1|[a-z]+[0-9]+[a-z]*g[a-z]*")


def is_arm(instance_type: str) -> bool:
    return _ARM_FAMILY.fullmatch(instance_type.split(".")[0]) is not None


def _ami_parameter(instance_type: str) -> str:
    return AMI_PARAMETER.replace("x86_64", "arm64") if is_arm(instance_type) else AMI_PARAMETER


def _secret_statements(ctx: Context) -> list[dict]:
    account = Ref("account", "account_id")
    ssm, secrets = [], []
    for app in ctx.spec.apps:
        for ref in sorted(app.secrets.values()):
            if ref.startswith("ssm:"):
                ssm.append(ctx.arn("ssm", f"parameter{ref[len('ssm:'):]}", account=account))
            else:
                name = ref[len("secretsmanager:"):]
                # Secrets Manager appends a 6-character suffix to every secret's ARN.
                secrets.append(ctx.arn("secretsmanager", f"secret:{name}-??????",
                                       account=account))
    statements = []
    if ssm:
        statements.append({"Sid": "AppParameters", "Effect": "Allow",
                           "Action": ["ssm:GetParameter"], "Resource": ssm})
    if secrets:
        statements.append({"Sid": "AppSecrets", "Effect": "Allow",
                           "Action": ["secretsmanager:GetSecretValue"], "Resource": secrets})
    return statements


def _statement(statement) -> dict:
    out = {"Sid": statement.sid} if statement.sid else {}
    out.update({"Effect": statement.effect, "Action": list(statement.actions),
                "Resource": list(statement.resources)})
    return out


def lower_host(ctx: Context) -> None:
    spec = ctx.spec
    compute = spec.compute
    role_name = aws_name(ctx.name, "host", max_len=64)
    ctx.service_role("host_role", role_name, "ec2.amazonaws.com",
                     f"{ctx.name} app host: SSM access and its own secrets, nothing else",
                     ("compute",))
    ctx.add("host_ssm", "iam_role_policy_attachment", {
        "role": Ref("host_role", "name"),
        # Session Manager instead of SSH for day-to-day access.
        "policy_arn": ctx.arn("iam", "policy/AmazonSSMManagedInstanceCore", region=False,
                              account="aws"),
    }, ("compute",))
    statements = [{"Sid": "DatabasePassword", "Effect": "Allow",
                   "Action": ["secretsmanager:GetSecretValue"],
                   "Resource": [Ref("db", "master_user_secret_arn")]}]
    statements += _secret_statements(ctx)
    if len(statements) > 1:
        ctx.add("account", "caller_identity", {}, ("apps",))
    ctx.add("host_secrets", "iam_role_policy", {
        "name": "read-app-secrets",
        "role": Ref("host_role", "name"),
        "policy": Json({"Version": "2012-10-17", "Statement": statements}),
    }, ("compute",))
    bucket_statements = lower_buckets(ctx)
    if bucket_statements:
        ctx.add("host_buckets", "iam_role_policy", {
            "name": "read-write-buckets",
            "role": Ref("host_role", "name"),
            "policy": Json({"Version": "2012-10-17", "Statement": bucket_statements}),
        }, ("buckets",))
    extra = [_statement(s) for s in compute.iam_statements]
    if extra:
        ctx.add("host_extra", "iam_role_policy", {
            "name": "spec-statements",
            "role": Ref("host_role", "name"),
            "policy": Json({"Version": "2012-10-17", "Statement": extra}),
        }, ("compute", "iam_statements"))
    ctx.add("host_profile", "iam_instance_profile", {
        "name": role_name,
        "role": Ref("host_role", "name"),
    }, ("compute",), name=role_name)

    ctx.graph.inputs["ami_parameter"] = InputDef(
        "ami_parameter",
        "SSM public parameter naming the host's AMI (Amazon Linux 2023 by default)",
        _ami_parameter(compute.instance_type))
    ctx.add("ami", "ssm_parameter", {"name": Input("ami_parameter")}, ("compute", "instance_type"))

    if compute.key_pair is not None:
        ctx.add("key", "key_pair", {
            "key_name": compute.key_pair.name,
            "public_key": ctx.public_key,
        }, ("compute", "key_pair"), name=compute.key_pair.name)

    user_data = render_user_data(ctx)
    if approximate_size(user_data) > USER_DATA_LIMIT:
        raise UserDataTooLarge(approximate_size(user_data))
    props = {
        "ami": Ref("ami", "value"),
        "instance_type": compute.instance_type,
        "subnet_id": Ref("private_a", "id"),
        "vpc_security_group_ids": [Ref("sg_app", "id")],
        "iam_instance_profile": Ref("host_profile", "name"),
        "associate_public_ip_address": False,
        "monitoring": compute.detailed_monitoring,
        "ebs_optimized": True,
        "metadata_options": {
            "http_endpoint": "enabled",
            "http_tokens": "required",
            # 2 hops so containers on the docker bridge can still reach IMDSv2.
            "http_put_response_hop_limit": 2,
        },
        "root_block_device": {
            "volume_type": "gp3",
            "volume_size": compute.volume_gb,
            "encrypted": compute.encrypted,
            "delete_on_termination": True,
        },
        "user_data": user_data,
        # The script runs at first boot only: a changed script (a new mode, a new app) must
        # replace the host to take effect, and `s0c diff` reports that replacement.
        "user_data_replace_on_change": True,
    }
    if compute.key_pair is not None:
        props["key_name"] = Ref("key", "key_name")
    host_name = aws_name(ctx.name, "host")
    # The boot script downloads packages and reads its secrets at first boot: the NAT route and
    # the role's policies must exist before the host starts.
    ctx.add("host", "instance", props, ("compute",), name=host_name,
            depends_on=egress_route_ids(ctx) + ("host_secrets", "host_ssm")
            + (("host_buckets",) if bucket_statements else ()) + (("host_extra",) if extra else ()),
            ignore_changes=("ami",))


class UserDataTooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"the host's boot script would be about {size} bytes; EC2 allows"
                         f" {USER_DATA_LIMIT}: fewer apps or shorter env values")
        self.size = size
