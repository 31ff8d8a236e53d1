/** How long a job's objects are kept: the bucket's lifecycle rule, emulated where there is no bucket rule. */
package dev.drover.core.retention;
