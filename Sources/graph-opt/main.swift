// graph-opt(1): the logic lives in the GraphOpt library so tests can run it in-process.
import GraphOpt

GraphOptCommand.main()
