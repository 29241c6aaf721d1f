import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './helpers';

type Kind = 'allow' | 'confirm' | 'block';

// The same infrastructure command under different environment labels. Outside production the
// destructive ones ask and the routine ones pass; in production routine changes ask too, and
// deleting backups (or destroying a whole stack) is refused. Reading stays silent everywhere.
const cases: { line: string; dev: Kind; prod: Kind; rule?: string }[] = [
  // Reading never asks, production included.
  { line: 'kubectl get pods -A', dev: 'allow', prod: 'allow' },
  { line: 'kubectl describe deployment api', dev: 'allow', prod: 'allow' },
  { line: 'kubectl logs -f api-7d9c --tail 100', dev: 'allow', prod: 'allow' },
  { line: 'kubectl top nodes', dev: 'allow', prod: 'allow' },
  { line: 'kubectl explain deployment.spec', dev: 'allow', prod: 'allow' },
  { line: 'kubectl rollout status deployment/api', dev: 'allow', prod: 'allow' },
  { line: 'kubectl diff -f deploy.yaml', dev: 'allow', prod: 'allow' },
  { line: 'helm list -A', dev: 'allow', prod: 'allow' },
  { line: 'helm template api ./chart', dev: 'allow', prod: 'allow' },
  { line: 'terraform plan', dev: 'allow', prod: 'allow' },
  { line: 'terraform plan -destroy', dev: 'allow', prod: 'allow' },
  { line: 'terraform state list', dev: 'allow', prod: 'allow' },
  { line: 'terraform output -json', dev: 'allow', prod: 'allow' },
  { line: 'pulumi preview', dev: 'allow', prod: 'allow' },
  { line: 'cdk diff', dev: 'allow', prod: 'allow' },
  { line: 'aws ec2 describe-instances', dev: 'allow', prod: 'allow' },
  { line: 'aws s3 ls s3://site-bucket', dev: 'allow', prod: 'allow' },
  { line: 'aws s3 cp s3://site-bucket/index.html ./index.html', dev: 'allow', prod: 'allow' },
  { line: 'aws dynamodb query --table-name orders --key-condition-expression x', dev: 'allow', prod: 'allow' },
  { line: 'gcloud compute instances list', dev: 'allow', prod: 'allow' },
  { line: 'gcloud config set project acme', dev: 'allow', prod: 'allow' },
  { line: 'az vm list', dev: 'allow', prod: 'allow' },
  { line: 'az account set --subscription acme', dev: 'allow', prod: 'allow' },
  { line: 'doctl compute droplet list', dev: 'allow', prod: 'allow' },
  { line: 'restic snapshots', dev: 'allow', prod: 'allow' },
  { line: 'borg list repo', dev: 'allow', prod: 'allow' },
  { line: 'velero backup get', dev: 'allow', prod: 'allow' },
  { line: 'scp deploy@web-1:/var/log/app.log .', dev: 'allow', prod: 'allow' },
  { line: 'rclone ls remote:bucket', dev: 'allow', prod: 'allow' },

  // Routine changes: silent outside production, confirmed in it.
  { line: 'kubectl apply -f deploy.yaml', dev: 'allow', prod: 'confirm', rule: 'kubernetes/change-production' },
  { line: 'kubectl rollout restart deployment/api', dev: 'allow', prod: 'confirm', rule: 'kubernetes/change-production' },
  { line: 'kubectl cordon worker-3', dev: 'allow', prod: 'confirm', rule: 'kubernetes/change-production' },
  { line: 'kubectl delete pod api-7d9c', dev: 'allow', prod: 'confirm', rule: 'kubernetes/delete-pod-production' },
  { line: 'helm upgrade --install api ./chart', dev: 'allow', prod: 'confirm', rule: 'kubernetes/helm-change-production' },
  { line: 'terraform apply -auto-approve', dev: 'allow', prod: 'confirm', rule: 'iac/apply-production' },
  { line: 'tofu apply', dev: 'allow', prod: 'confirm', rule: 'iac/apply-production' },
  { line: 'pulumi up --yes', dev: 'allow', prod: 'confirm', rule: 'iac/pulumi-up-production' },
  { line: 'cdk deploy --all', dev: 'allow', prod: 'confirm', rule: 'iac/cdk-deploy-production' },
  { line: 'aws ecs update-service --cluster web --service api --force-new-deployment', dev: 'allow', prod: 'confirm', rule: 'cloud/aws-change-production' },
  { line: 'aws s3 sync ./dist s3://site-bucket/', dev: 'allow', prod: 'confirm', rule: 'cloud/s3-upload-production' },
  { line: 'gcloud run deploy api --image gcr.io/acme/api:v2', dev: 'allow', prod: 'confirm', rule: 'cloud/gcloud-change-production' },
  { line: 'az webapp restart -n api -g web-rg', dev: 'allow', prod: 'confirm', rule: 'cloud/az-change-production' },
  { line: 'nginx -s reload', dev: 'allow', prod: 'confirm', rule: 'cloud/nginx-reload-production' },
  { line: 'rsync -az dist/ deploy@web-1:/var/www/site/', dev: 'allow', prod: 'confirm', rule: 'remote/upload-production' },

  // Destructive everywhere: confirmed in both.
  { line: 'kubectl delete namespace payments', dev: 'confirm', prod: 'confirm', rule: 'kubernetes/delete-namespace' },
  { line: 'kubectl delete pvc data-postgres-0', dev: 'confirm', prod: 'confirm', rule: 'kubernetes/delete-volume' },
  { line: 'kubectl delete deployment api', dev: 'confirm', prod: 'confirm', rule: 'kubernetes/delete' },
  { line: 'kubectl scale deployment api --replicas=0', dev: 'confirm', prod: 'confirm', rule: 'kubernetes/scale-to-zero' },
  { line: 'kubectl drain worker-3 --ignore-daemonsets', dev: 'confirm', prod: 'confirm', rule: 'kubernetes/drain' },
  { line: 'helm uninstall api', dev: 'confirm', prod: 'confirm', rule: 'kubernetes/helm-uninstall' },
  { line: 'terraform destroy -target=aws_instance.web', dev: 'confirm', prod: 'confirm', rule: 'iac/destroy-targeted' },
  { line: 'terraform state rm aws_db_instance.main', dev: 'confirm', prod: 'confirm', rule: 'iac/state-rm' },
  { line: 'aws rds delete-db-instance --db-instance-identifier orders-db', dev: 'confirm', prod: 'confirm', rule: 'cloud/aws-delete-data' },
  { line: 'aws s3 rb s3://site-bucket --force', dev: 'confirm', prod: 'confirm', rule: 'cloud/s3-rb' },
  { line: 'gcloud projects delete acme-sandbox', dev: 'confirm', prod: 'confirm', rule: 'cloud/gcloud-delete-data' },
  { line: 'az group delete -n web-rg --yes', dev: 'confirm', prod: 'confirm', rule: 'cloud/az-delete-data' },
  { line: 'rsync -a --delete src/ backup-host:/srv/site/', dev: 'confirm', prod: 'confirm', rule: 'remote/rsync-delete' },
  { line: 'rclone sync /src remote:bucket', dev: 'confirm', prod: 'confirm', rule: 'remote/rclone-sync' },

  // Backups and whole-stack destroys: confirmed outside production, refused in it.
  { line: 'terraform destroy -auto-approve', dev: 'confirm', prod: 'block', rule: 'iac/destroy' },
  { line: 'terraform apply -destroy', dev: 'confirm', prod: 'block', rule: 'iac/apply-destroy' },
  { line: 'pulumi destroy --yes', dev: 'confirm', prod: 'block', rule: 'iac/pulumi-destroy' },
  { line: 'cdk destroy --all --force', dev: 'confirm', prod: 'block', rule: 'iac/cdk-destroy' },
  { line: 'kubectl delete volumesnapshot db-snap-1', dev: 'confirm', prod: 'block', rule: 'kubernetes/delete-backup' },
  { line: 'aws rds delete-db-snapshot --db-snapshot-identifier orders-2024', dev: 'confirm', prod: 'block', rule: 'cloud/aws-delete-backup' },
  { line: 'aws backup delete-recovery-point --backup-vault-name v --recovery-point-arn arn:x', dev: 'confirm', prod: 'block', rule: 'cloud/aws-delete-backup' },
  { line: 'aws backup delete-backup-vault --backup-vault-name v', dev: 'confirm', prod: 'block', rule: 'cloud/aws-delete-backup' },
  { line: 'aws rds delete-db-instance --db-instance-identifier orders-db --skip-final-snapshot', dev: 'confirm', prod: 'block', rule: 'cloud/aws-delete-db-no-snapshot' },
  { line: 'aws rds modify-db-instance --db-instance-identifier orders-db --backup-retention-period 0', dev: 'confirm', prod: 'block', rule: 'cloud/aws-disable-backups' },
  { line: 'gcloud sql backups delete 1712345 --instance=orders-db', dev: 'confirm', prod: 'block', rule: 'cloud/gcloud-delete-backup' },
  { line: 'gcloud sql instances delete orders-db', dev: 'confirm', prod: 'block', rule: 'cloud/gcloud-sql-instance-delete' },
  { line: 'az backup vault delete -n vault -g web-rg --force', dev: 'confirm', prod: 'block', rule: 'cloud/az-delete-backup' },
  { line: 'doctl compute snapshot delete 123 --force', dev: 'confirm', prod: 'block', rule: 'cloud/doctl-delete-backup' },
  { line: 'restic forget --keep-last 1 --prune', dev: 'confirm', prod: 'block', rule: 'remote/restic-forget' },
  { line: 'borg prune --keep-daily 7 repo', dev: 'confirm', prod: 'block', rule: 'remote/borg-delete' },
  { line: 'velero backup delete nightly --confirm', dev: 'confirm', prod: 'block', rule: 'remote/velero-delete-backup' },
];

for (const c of cases) {
  for (const [env, expected] of [['development', c.dev], ['production', c.prod]] as const) {
    test(`${env}: ${expected}: ${c.line}`, async () => {
      const d = await check(c.line, { env });
      assert.equal(d.decision, expected, JSON.stringify(d.reasons));
      if (expected !== 'allow' && c.rule) assert.ok(d.reasons.some((r) => r.rule === c.rule), `${c.rule} not among ${d.reasons.map((r) => r.rule).join(', ')}`);
    });
  }
}

// A dry run changes nothing, so it passes even where the real command would be refused.
const dryRuns = [
  'kubectl delete namespace payments --dry-run=server',
  'helm uninstall api --dry-run',
  'aws s3 rm s3://site-bucket --recursive --dryrun',
  'aws ec2 terminate-instances --instance-ids i-1 --dry-run',
  'rsync -an --delete src/ backup-host:/srv/site/',
  'rclone sync /src remote:bucket --dry-run',
  'restic forget --keep-last 1 --dry-run',
  'borg prune --dry-run --list repo',
];
for (const line of dryRuns) {
  test(`production: dry run passes: ${line}`, async () => {
    assert.equal((await check(line, { env: 'production' })).decision, 'allow');
  });
}

// Wrappers do not hide an infrastructure command, and its reason says so.
test('production: a backup deletion behind bash -c and sudo is still refused', async () => {
  const d = await check(`sudo bash -c 'aws ec2 delete-snapshot --snapshot-id snap-1'`, { env: 'production' });
  assert.equal(d.decision, 'block');
  assert.ok(d.reasons.some((r) => r.rule === 'cloud/aws-delete-backup' && r.message.includes('via')));
});
