package org.mozilla.relengapi.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.ServletContext;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mozilla.relengapi.proxy.testsupport.TaskIds;

/** How a deployed WAR finds its arguments; the servlet context is a Mockito seam (the WAR ITs cover real containers). */
class ContainerConfigurationTest {
    private static final String ARGS = "--relengapi-token t0k3n --root-url https://tc.example -- " + TaskIds.TASK;
    private final ServletContext context = mock(ServletContext.class);

    @AfterEach
    void clearSystemProperty() {
        System.clearProperty(ContainerConfiguration.PARAMETER);
    }

    @Test
    void argumentsComeFromTheContextParameter() {
        when(context.getInitParameter(ContainerConfiguration.PARAMETER)).thenReturn("  " + ARGS.replace(" ", " \n\t ") + "\n");
        assertEquals(URI.create("https://tc.example"), ContainerConfiguration.read(context, Map.of()).rootUrl());
    }

    @Test
    void theSystemPropertyIsUsedWhenTheContextHasNoParameter() {
        System.setProperty(ContainerConfiguration.PARAMETER, ARGS);
        assertEquals(TaskIds.TASK, ContainerConfiguration.read(context, Map.of()).taskId());
    }

    @Test
    void theContextParameterWinsOverTheSystemProperty() {
        System.setProperty(ContainerConfiguration.PARAMETER, "--relengapi-token x -- " + TaskIds.DASH_TASK);
        when(context.getInitParameter(ContainerConfiguration.PARAMETER)).thenReturn(ARGS);
        assertEquals(TaskIds.TASK, ContainerConfiguration.read(context, Map.of()).taskId());
    }

    @Test
    void noConfigurationIsReportedNamingTheParameter() {
        StartupException e = assertThrows(StartupException.class, () -> ContainerConfiguration.read(context, Map.of()));
        assertTrue(e.getMessage().contains(ContainerConfiguration.PARAMETER), e.getMessage());
    }

    @Test
    void listeningOptionsAreRefused() {
        for (String option : new String[] {"--port 80", "--port=80", "-p 80", "--bind 127.0.0.1"}) {
            when(context.getInitParameter(ContainerConfiguration.PARAMETER)).thenReturn(option + " " + ARGS);
            StartupException e = assertThrows(StartupException.class, () -> ContainerConfiguration.read(context, Map.of()));
            assertTrue(e.getMessage().contains("does not apply in a servlet container"), e.getMessage());
        }
    }

    @Test
    void badArgumentsGiveTheCommandLinesMessageWithoutTheToken() {
        when(context.getInitParameter(ContainerConfiguration.PARAMETER)).thenReturn("--route x " + ARGS);
        StartupException e = assertThrows(StartupException.class, () -> ContainerConfiguration.read(context, Map.of()));
        assertEquals("--route x: expected PREFIX=URL", e.getMessage());
        when(context.getInitParameter(ContainerConfiguration.PARAMETER)).thenReturn("--port --relengapi-token=t0k3n -- " + TaskIds.TASK);
        assertFalse(assertThrows(StartupException.class, () -> ContainerConfiguration.read(context, Map.of()))
            .getMessage().contains("t0k3n"));
    }
}
