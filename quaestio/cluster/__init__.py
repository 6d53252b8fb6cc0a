"""`quaestio cluster`: a development cluster (N web processes, a proxy, the task worker)."""
