"""Compute kinds: the host, its key pair and the AMI it boots from."""

from __future__ import annotations

from typing import Any

from .model import (Api, CfnResource, CfnStandIn, Call, Effect, Encoder, Fingerprint, Kind,
                    Override, Owner, Props, TagFind, TagSpec, Waiter, fields)

# Amazon Linux 2023's root device: CloudFormation and the EC2 API need it to size the root volume.
ROOT_DEVICE = "/dev/xvda"

METADATA_OPTIONS = fields("http_endpoint", "http_tokens", "http_put_response_hop_limit")
ROOT_VOLUME = fields("volume_type", "volume_size", "encrypted", "delete_on_termination")


def _instance(p: Props, v: Encoder) -> dict[str, Any]:
    """The host's settings, which CloudFormation and RunInstances shape differently."""
    cfn = v.target == "cfn"
    out: dict[str, Any] = {"ImageId": v(p["ami"]), "InstanceType": p["instance_type"]}
    if cfn:
        if "iam_instance_profile" in p:
            out["IamInstanceProfile"] = v(p["iam_instance_profile"])
        out.update(fields("key_name", "ebs_optimized", "monitoring").pick(p, "cfn", v))
    else:
        out.update({"MinCount": 1, "MaxCount": 1})
    if p.get("associate_public_ip_address"):
        out["NetworkInterfaces"] = [{
            "DeviceIndex": "0" if cfn else 0, "AssociatePublicIpAddress": True,
            "SubnetId": v(p["subnet_id"]),
            ("GroupSet" if cfn else "Groups"): v(p["vpc_security_group_ids"])}]
    else:
        # The subnet decides: private subnets never map a public address.
        out["SubnetId"] = v(p["subnet_id"])
        out["SecurityGroupIds"] = v(p["vpc_security_group_ids"])
    if not cfn:
        if "iam_instance_profile" in p:
            out["IamInstanceProfile"] = {"Name": v(p["iam_instance_profile"])}
        out.update(fields("key_name", "ebs_optimized").pick(p, "api", v))
        if "monitoring" in p:
            out["Monitoring"] = {"Enabled": p["monitoring"]}
    if "metadata_options" in p:
        out["MetadataOptions"] = METADATA_OPTIONS.pick(p["metadata_options"], v.target, v)
    if "root_block_device" in p:
        out["BlockDeviceMappings"] = [{"DeviceName": ROOT_DEVICE,
                                       "Ebs": ROOT_VOLUME.pick(p["root_block_device"], v.target,
                                                               v)}]
    if "user_data" in p:
        # CloudFormation wants it base64-encoded; boto3 encodes it by itself.
        out["UserData"] = {"Fn::Base64": v.text(p["user_data"])} if cfn else v(p["user_data"])
    return out


_INSTANCE = {"InstanceIds": ["@id"]}

KINDS = [
    Kind("ssm_parameter", "compute", "aws_ssm_parameter", CfnStandIn("parameter", "name"),
         Api("ssm", "GetParameter", {"value": "Parameter.Value"}, params={"Name": "=name"}),
         # insecure_value: an AMI id is public, and `value` is marked sensitive, which would
         # hide the AMI in every plan (and in the host's plan diff).
         taggable=False, lookup=True, attrs={"value": "insecure_value"}),
    Kind("key_pair", "compute", "aws_key_pair", CfnResource("AWS::EC2::KeyPair",
                                                            {"key_name": "Ref"}),
         Api("ec2", "ImportKeyPair", {"key_name": "KeyName"}, TagSpec(("key-pair",)),
             find=Call("DescribeKeyPairs", {"KeyNames": ["=key_name"]},
                       {"key_name": "KeyPairs[0].KeyName"}, missing=("InvalidKeyPair.NotFound",),
                       # A key of this name holding another public key is not the spec's.
                       owner=Owner("KeyPairs[0].Tags", match={
                           "PublicKeyMaterial": Fingerprint("KeyPairs[0].KeyFingerprint")})),
             undo=Call("DeleteKeyPair", {"KeyName": "=key_name"})),
         fields("key_name", "public_key", public_key="PublicKeyMaterial"),
         attrs={"key_name": "key_name"}),
    Kind("instance", "compute", "aws_instance",
         CfnResource("AWS::EC2::Instance", {"id": "Ref", "private_ip": "PrivateIp"}),
         Api("ec2", "RunInstances",
             {"id": "Instances[0].InstanceId", "private_ip": "Instances[0].PrivateIpAddress"},
             TagSpec(("instance", "volume")), token=64,
             find=TagFind("DescribeInstances", {"id": "Reservations[0].Instances[0].InstanceId"},
                          tags="Instances[0].Tags",
                          extra_filters=({"Name": "instance-state-name",
                                          "Values": ["pending", "running", "stopping",
                                                     "stopped"]},)),
             wait=Waiter("InstanceRunning", _INSTANCE),
             read=Call("DescribeInstances", _INSTANCE,
                       {"private_ip": "Reservations[0].Instances[0].PrivateIpAddress"}),
             # A new instance profile takes a few seconds to be usable by EC2.
             retry={"errors": ["InvalidParameterValue"], "attempts": 10, "delay": 6},
             undo=Call("TerminateInstances", _INSTANCE,
                       wait=Waiter("InstanceTerminated", _INSTANCE))),
         attrs={"id": "id", "private_ip": "private_ip"}, extra=_instance,
         cfn_value_types={"ami": "AWS::EC2::Image::Id"}, price="ec2_instance",
         changes={
             "user_data": Override(
                 terraform=Effect.REPLACE,
                 reason="the boot script (each app's environment) changed: s0c sets"
                        " user_data_replace_on_change, so Terraform replaces the host, which"
                        " boots with the new script; CloudFormation stops and starts it instead,"
                        " and EC2 does not run user data again on a restart",
                 source="s0c: compiler/host.py sets user_data_replace_on_change = true"),
             "instance_type": Override(
                 reason="the host is stopped, resized and started; a type of another CPU"
                        " architecture also changes the AMI, which replaces the host"),
             **{f"root_block_device.{name}": Override(
                 cloudformation=Effect.REPLACE,
                 reason="Terraform modifies the root volume in place (or, for encryption,"
                        " replaces the host); CloudFormation replaces the instance for any"
                        " BlockDeviceMappings change but DeleteOnTermination",
                 source="https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
                        "aws-properties-ec2-instance.html#cfn-ec2-instance-blockdevicemappings")
                for name in ("encrypted", "volume_size", "volume_type")},
             "vpc_security_group_ids": Override(
                 cloudformation=Effect.UPDATE,
                 reason="EC2 changes a running instance's security groups without a stop"
                        " (CloudFormation's page says 'Some interruptions' without naming one)",
                 source="https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/"
                        "changing-security-group.html"),
         },
         cfn_property={"ami": "ImageId", "instance_type": "InstanceType",
                       "iam_instance_profile": "IamInstanceProfile", "key_name": "KeyName",
                       "ebs_optimized": "EbsOptimized", "monitoring": "Monitoring",
                       "subnet_id": "SubnetId", "vpc_security_group_ids": "SecurityGroupIds",
                       "associate_public_ip_address": "NetworkInterfaces",
                       "metadata_options": "MetadataOptions",
                       "root_block_device": "BlockDeviceMappings", "user_data": "UserData",
                       "user_data_replace_on_change": None}),
]
