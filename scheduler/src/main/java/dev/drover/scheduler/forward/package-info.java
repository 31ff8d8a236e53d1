/**
 * Any replica answers for any job: {@link dev.drover.scheduler.forward.OwnerRouting} finds the replica
 * that owns a running job (its owner in the job store, its address in the replica registry), and
 * {@link dev.drover.scheduler.forward.ReplicaCredential} signs the caller's name on a request one replica
 * forwards to another, so the owner authorises it as that caller and no client can claim another's name.
 * {@link dev.drover.scheduler.forward.Placement} says when a new job goes to a less loaded replica instead.
 * The HTTP side of forwarding is {@code api/Forwarder}. A replica's collector also hands the owner the result
 * messages of its jobs that it received ({@link dev.drover.scheduler.forward.ReplicaLink#results}, a
 * {@link dev.drover.scheduler.forward.HandOver}), signed as a replica; the owner takes them in {@code api/ReplicaResource}.
 */
package dev.drover.scheduler.forward;
