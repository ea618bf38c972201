/** What a failed submission's error adds for the user: the fix, when the API server's error has a known one. */
import { SparkDriverRbac } from "../../../../spark/constants.js";

/** The admission error for a pod whose service account does not exist (kube-apiserver's ServiceAccount plugin). */
const MISSING_SERVICE_ACCOUNT = /serviceaccount "([^"]+)" not found/;

/** The error with a hint naming the fix appended, or unchanged when there is none to give. */
export function withSubmissionHint(error: string, namespace: string): string {
  const account = MISSING_SERVICE_ACCOUNT.exec(error)?.[1];
  if (account === undefined) return error;
  const apply = `\`kubectl apply -n ${namespace} -f ${SparkDriverRbac.Example}\``;
  const fix =
    account === SparkDriverRbac.ServiceAccount || account === SparkDriverRbac.KubeflowServiceAccount
      ? `create it with its rights: ${apply}, or set \`spec.driver.serviceAccount\` to an account that exists`
      : `set \`spec.driver.serviceAccount\` to an account that exists (${apply} creates "${SparkDriverRbac.ServiceAccount}" with the rights a driver needs), or create "${account}" with those rights`;
  return `${error}; hint: namespace ${namespace} has no ServiceAccount "${account}" (\`spec.driver.serviceAccount\`): ${fix}`;
}
