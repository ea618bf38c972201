/**
 * The field selector of the events about one object. With its uid: the API server keeps events an hour after
 * their object is deleted, and a new object of the same name would otherwise show its predecessor's.
 */
export function eventsAboutSelector(ref: { kind: string; name: string; uid?: string }): string {
  const parts = [`involvedObject.kind=${ref.kind}`, `involvedObject.name=${ref.name}`];
  if (ref.uid) parts.push(`involvedObject.uid=${ref.uid}`);
  return parts.join(",");
}
