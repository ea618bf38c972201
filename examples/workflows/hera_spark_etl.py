"""The ETL DAG of spark-etl-dag.yaml, built and submitted from Python with hera (pip install hera==7.1.0).

Each task runs the `spark-app` WorkflowTemplate (spark-app-template.yaml, applied beforehand); the transforms
get the extract's SparkApplication name, the load gets both transforms'. Submits through Argo Server
(ARGO_SERVER, default http://127.0.0.1:2746, what `sparkplane up --with argo` runs), waits, and prints the
workflow's name, its phase and each task's phase and times as JSON lines.

    python hera_spark_etl.py [--namespace default] [--slices 2]
"""

import argparse
import json
import os

from hera.workflows import DAG, Task, Workflow, WorkflowsService
from hera.workflows.models import TemplateRef

SPARK_APP = TemplateRef(name="spark-app", template="spark-app")


def spark_task(name: str, **parameters: str) -> Task:
    return Task(name=name, template_ref=SPARK_APP, arguments={"name": name, **parameters})


def upstream(*tasks: str) -> str:
    names = ",".join(f"{{{{tasks.{t}.outputs.parameters.app-name}}}}" for t in tasks)
    return json.dumps({"spark.sparkplane.upstream": names})


def build(namespace: str, slices: int, service: WorkflowsService) -> Workflow:
    with Workflow(
        generate_name="hera-spark-etl-",
        namespace=namespace,
        entrypoint="etl",
        service_account_name="argo-workflow",
        workflows_service=service,
    ) as workflow:
        with DAG(name="etl"):
            extract = spark_task("extract", arguments=json.dumps([str(slices)]))
            transform_a = spark_task("transform-a", **{"spark-conf": upstream("extract")})
            transform_b = spark_task("transform-b", **{"spark-conf": upstream("extract")})
            load = spark_task("load", **{"spark-conf": upstream("transform-a", "transform-b")})
            extract >> [transform_a, transform_b] >> load
    return workflow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--slices", type=int, default=2)
    args = parser.parse_args()
    host = os.environ.get("ARGO_SERVER", "http://127.0.0.1:2746")
    service = WorkflowsService(host=host, verify_ssl=False)
    workflow = build(args.namespace, args.slices, service)
    workflow.create()
    print(json.dumps({"workflow": workflow.name}), flush=True)
    done = workflow.wait(poll_interval=2)
    for node in (done.status.nodes or {}).values():
        print(
            json.dumps(
                {
                    "node": node.display_name,
                    "type": node.type,
                    "phase": node.phase,
                    "startedAt": str(node.started_at.root if node.started_at else ""),
                    "finishedAt": str(node.finished_at.root if node.finished_at else ""),
                }
            )
        )
    print(json.dumps({"phase": done.status.phase}), flush=True)


if __name__ == "__main__":
    main()
