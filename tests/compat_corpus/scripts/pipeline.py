"""ClearML's pipeline import path, both styles, steps run locally."""
from jupyter_ext.automation.controller import PipelineController, PipelineDecorator


@PipelineDecorator.component(return_values=["doubled"])
def double(x):
    return 2 * x


@PipelineDecorator.pipeline(name="decorated", project="Corpus", version="1.0")
def flow(x=3):
    print("DECORATED_RESULT=" + str(double(x)))


def make_rows(n):
    return list(range(n))


def count(rows):
    return len(rows)


seen = {}


def before(pipe, node, params):
    seen[node.name] = dict(params)   # references arrive resolved; a change here is what the step gets
    return True


if __name__ == "__main__":
    PipelineDecorator.run_locally()
    flow()
    pipe = PipelineController(name="controller", project="Corpus", version="1.0")
    pipe.add_parameter(name="n", default=4)
    pipe.add_function_step(name="make", function=make_rows, function_kwargs={"n": "${pipeline.n}"},
                           function_return=["rows"])
    pipe.add_function_step(name="count", function=count, function_kwargs={"rows": "${make.rows}"},
                           function_return=["size"], pre_execute_callback=before)
    pipe.start_locally(run_pipeline_steps_locally=True)
    assert not any("${" in str(v) for v in seen["count"].values()), seen
    print("CONTROLLER_ID=" + pipe.id)
