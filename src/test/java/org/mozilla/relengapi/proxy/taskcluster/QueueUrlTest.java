package org.mozilla.relengapi.proxy.taskcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueueUrlTest {

    @ParameterizedTest
    @CsvSource({
        "https://taskcluster.net,https://queue.taskcluster.net/v1/",
        "https://taskcluster.net/,https://queue.taskcluster.net/v1/",
        "https://tc.example.com,https://tc.example.com/api/queue/v1/",
        "https://tc.example.com/,https://tc.example.com/api/queue/v1/",
        "http://127.0.0.1:8000,http://127.0.0.1:8000/api/queue/v1/"})
    void queueBaseFollowsTheRootUrlWithTheLegacyMapping(String rootUrl, String queue) {
        assertEquals(URI.create(queue), QueueClient.queueBaseFor(URI.create(rootUrl)));
    }
}
