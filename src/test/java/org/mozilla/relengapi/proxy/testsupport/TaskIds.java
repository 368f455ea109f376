package org.mozilla.relengapi.proxy.testsupport;

/** Task ids that match Taskcluster's slugid pattern. */
public final class TaskIds {
    public static final String TASK = "fN1DGhGrQ9qSgPfLw6iPbA";
    /** Slugids may start with '-', which is why the task id comes after `--`. */
    public static final String DASH_TASK = "-N1DGhGrQ9qSgPfLw6iPbA";

    private TaskIds() {
    }
}
