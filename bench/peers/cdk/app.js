// The Smart-0DTE PoC written by hand with AWS CDK: the peer s0c's compile time is compared with.
// Same design as examples/poc.yaml: VPC over 2 AZs with one NAT, RDS PostgreSQL, Redis, one host,
// ALB with TLS and a target group per app port, key pair, dashboard, the same 9 alarms (host CPU and
// status, DB CPU and free storage, Redis CPU, no healthy target per target group), budget with
// actual and forecast alerts. bench/run.py times `cdk synth` of it.
const cdk = require("aws-cdk-lib");
const { aws_ec2: ec2, aws_rds: rds, aws_elasticache: ec, aws_iam: iam,
        aws_elasticloadbalancingv2: elbv2, aws_elasticloadbalancingv2_targets: targets,
        aws_certificatemanager: acm, aws_cloudwatch: cw, aws_budgets: budgets } = cdk;

const app = new cdk.App();
const stack = new cdk.Stack(app, "SmartPoc");
const vpc = new ec2.Vpc(stack, "Vpc", { ipAddresses: ec2.IpAddresses.cidr("10.0.0.0/16"), maxAzs: 2,
  natGateways: 1, subnetConfiguration: [
    { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
    { name: "private", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }] });
const sg = (id) => new ec2.SecurityGroup(stack, id, { vpc, allowAllOutbound: false });
const albSg = sg("AlbSg"), appSg = sg("AppSg"), dbSg = sg("DbSg"), cacheSg = sg("CacheSg");
albSg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
albSg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80));
appSg.addIngressRule(ec2.Peer.ipv4("203.0.113.10/32"), ec2.Port.tcp(22));
appSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
for (const port of [8000, 3000, 8001, 3001]) {
  appSg.addIngressRule(albSg, ec2.Port.tcp(port));
  albSg.addEgressRule(appSg, ec2.Port.tcp(port));
}
dbSg.addIngressRule(appSg, ec2.Port.tcp(5432));
cacheSg.addIngressRule(appSg, ec2.Port.tcp(6379));
const db = new rds.DatabaseInstance(stack, "Db", { vpc, securityGroups: [dbSg],
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }),
  instanceType: new ec2.InstanceType("t3.small"), allocatedStorage: 50, maxAllocatedStorage: 200,
  storageEncrypted: true, databaseName: "smart_0dte_poc", backupRetention: cdk.Duration.days(3),
  credentials: rds.Credentials.fromGeneratedSecret("postgres") });
const cacheSubnets = new ec.CfnSubnetGroup(stack, "CacheSubnets", { description: "redis",
  subnetIds: vpc.privateSubnets.map((s) => s.subnetId) });
const redis = new ec.CfnReplicationGroup(stack, "Redis", { replicationGroupDescription: "redis",
  engine: "redis", engineVersion: "7.1", cacheNodeType: "cache.t3.micro", numCacheClusters: 1,
  cacheSubnetGroupName: cacheSubnets.ref, securityGroupIds: [cacheSg.securityGroupId],
  atRestEncryptionEnabled: true, transitEncryptionEnabled: false });
const role = new iam.Role(stack, "HostRole", { assumedBy: new iam.ServicePrincipal("ec2.amazonaws.com"),
  managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")] });
db.secret.grantRead(role);
const host = new ec2.Instance(stack, "Host", { vpc, securityGroup: appSg, role,
  instanceType: new ec2.InstanceType("t3.xlarge"), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  requireImdsv2: true, blockDevices: [{ deviceName: "/dev/xvda",
    volume: ec2.BlockDeviceVolume.ebs(100, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
  userData: ec2.UserData.custom(`#!/bin/bash\ndnf install -y docker git jq\n# ${db.dbInstanceEndpointAddress} ${redis.attrPrimaryEndPointAddress}\n`) });
const cert = new acm.Certificate(stack, "Cert", { domainName: "poc.example.com",
  subjectAlternativeNames: ["*.poc.example.com"], validation: acm.CertificateValidation.fromDns() });
const alb = new elbv2.ApplicationLoadBalancer(stack, "Alb", { vpc, internetFacing: true, securityGroup: albSg });
alb.addRedirect({ sourcePort: 80, targetPort: 443 });
const https = alb.addListener("Https", { port: 443, certificates: [cert],
  defaultAction: elbv2.ListenerAction.fixedResponse(404) });
new ec2.CfnKeyPair(stack, "Key", { keyName: "smart-0dte-poc",
  publicKeyMaterial: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchBenchBenchBenchBenchBenchBenchBenchBe poc" });
const groups = [];
let priority = 100;
for (const [name, api, web] of [["smart-0dte", 8000, 3000], ["mag7-7dte", 8001, 3001]]) {
  for (const [role_, port, host_] of [["api", api, `${name}-api.poc.example.com`], ["web", web, `${name}.poc.example.com`]]) {
    const tg = new elbv2.ApplicationTargetGroup(stack, `Tg-${name}-${role_}`, { vpc, port,
      protocol: elbv2.ApplicationProtocol.HTTP, targets: [new targets.InstanceTarget(host, port)],
      healthCheck: { path: role_ === "api" ? "/health" : "/" } });
    groups.push([`${name}-${role_}`, tg]);
    https.addTargetGroups(`Route-${name}-${role_}`, { targetGroups: [tg], priority: priority++,
      conditions: [elbv2.ListenerCondition.hostHeaders([host_])] });
  }
}
const metric = (namespace, metricName, dimensionsMap, statistic = "Average") =>
  new cw.Metric({ namespace, metricName, dimensionsMap, statistic, period: cdk.Duration.minutes(5) });
const hostCpu = metric("AWS/EC2", "CPUUtilization", { InstanceId: host.instanceId });
const hostStatus = metric("AWS/EC2", "StatusCheckFailed", { InstanceId: host.instanceId }, "Maximum");
const dbDims = { DBInstanceIdentifier: db.instanceIdentifier };
const dbCpu = metric("AWS/RDS", "CPUUtilization", dbDims);
const dbFree = metric("AWS/RDS", "FreeStorageSpace", dbDims, "Minimum");
const redisCpu = metric("AWS/ElastiCache", "EngineCPUUtilization", { CacheClusterId: `${redis.ref}-001` });
const alarm = (id, m, threshold, op = cw.ComparisonOperator.GREATER_THAN_THRESHOLD) =>
  new cw.Alarm(stack, id, { metric: m, threshold, evaluationPeriods: 2, comparisonOperator: op });
alarm("HostCpu", hostCpu, 80);
alarm("HostStatus", hostStatus, 0);
alarm("DbCpu", dbCpu, 80);
alarm("DbFreeStorage", dbFree, 5 * 1024 ** 3, cw.ComparisonOperator.LESS_THAN_THRESHOLD);
alarm("RedisCpu", redisCpu, 80);
const healthy = groups.map(([id, tg]) => {
  const m = tg.metrics.healthyHostCount({ period: cdk.Duration.minutes(1), statistic: "Minimum" });
  alarm(`NoHealthy-${id}`, m, 1, cw.ComparisonOperator.LESS_THAN_THRESHOLD);
  return m;
});
new cw.Dashboard(stack, "Dashboard", { widgets: [
  [new cw.GraphWidget({ title: "Host", left: [hostCpu, hostStatus] }),
   new cw.GraphWidget({ title: "PostgreSQL", left: [dbCpu], right: [dbFree] })],
  [new cw.GraphWidget({ title: "Redis", left: [redisCpu] }),
   new cw.GraphWidget({ title: "ALB", left: [alb.metrics.requestCount(), alb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT)] }),
   new cw.GraphWidget({ title: "Healthy targets", left: healthy })]] });
new budgets.CfnBudget(stack, "Budget", { budget: { budgetType: "COST", timeUnit: "MONTHLY",
  budgetLimit: { amount: 250, unit: "USD" } },
  notificationsWithSubscribers: [[100, "ACTUAL"], [200, "ACTUAL"], [300, "ACTUAL"], [250, "FORECASTED"]]
    .map(([threshold, notificationType]) => ({
    notification: { comparisonOperator: "GREATER_THAN", notificationType, threshold,
      thresholdType: "ABSOLUTE_VALUE" },
    subscribers: [{ subscriptionType: "EMAIL", address: "aws-admin@example.com" }] })) });
app.synth();
